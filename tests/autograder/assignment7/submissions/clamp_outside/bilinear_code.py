def bilinear(image, y, x):
    """Wrong: clamps the point into the image (the border pixel repeated) instead of reading zeros outside."""
    image = np.asarray(image, dtype=np.float64)
    H, W = image.shape
    y, x = np.asarray(y, dtype=np.float64), np.asarray(x, dtype=np.float64)
    y, x = np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)
    y0, x0 = np.floor(y), np.floor(x)
    ly, lx = y - y0, x - x0

    def pixel(r, c):
        inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
        rows = np.clip(r, 0, H - 1).astype(int)
        cols = np.clip(c, 0, W - 1).astype(int)
        return np.where(inside, image[rows, cols], 0.0)

    return ((1 - ly) * (1 - lx) * pixel(y0, x0) + (1 - ly) * lx * pixel(y0, x0 + 1)
            + ly * (1 - lx) * pixel(y0 + 1, x0) + ly * lx * pixel(y0 + 1, x0 + 1))
    ### END SOLUTION
