def dilate_kernel(k, dilation):
    """Wrong: d zeros inserted between neighbouring taps (the dilation rate read as the
    number of holes), so the taps end up d + 1 apart; rate 1 is no longer the ordinary
    kernel."""
    k = np.asarray(k, dtype=np.float64)
    kh, kw = k.shape
    step = dilation + 1
    big = np.zeros(((kh - 1) * step + 1, (kw - 1) * step + 1))
    big[::step, ::step] = k
    return big
