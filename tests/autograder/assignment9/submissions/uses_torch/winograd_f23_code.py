def winograd_f23(d, g):
    return F.conv1d(torch.from_numpy(d)[None, None], torch.from_numpy(g)[None, None])[0, 0].numpy()
