# Asks for 64 GiB: the sandbox's address-space limit turns this into a MemoryError.
hog = np.ones(8 * 2**30)
