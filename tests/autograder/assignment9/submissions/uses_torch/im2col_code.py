import torch
import torch.nn.functional as F


def im2col(x_padded, kernel_size, stride):
    cols = F.unfold(torch.from_numpy(x_padded), kernel_size, stride=stride)
    return cols.permute(1, 0, 2).reshape(cols.shape[1], -1).numpy()
