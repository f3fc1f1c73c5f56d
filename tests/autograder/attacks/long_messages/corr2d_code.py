def corr2d(x, k):
    """Attack: send out a long text (here the arguments) through the feedback."""
    import base64
    raise ValueError("EXFIL" + base64.b64encode(x.tobytes() * 50).decode())
