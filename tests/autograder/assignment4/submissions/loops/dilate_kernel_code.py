def dilate_kernel(k, dilation):
    """Honest, with loops: each tap (u, v) put at (u d, v d)."""
    kh, kw = k.shape
    big = np.zeros((effective_kernel_size(kh, dilation), effective_kernel_size(kw, dilation)))
    for u in range(kh):
        for v in range(kw):
            big[u * dilation, v * dilation] = k[u, v]
    return big
