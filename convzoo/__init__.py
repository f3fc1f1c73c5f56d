"""Convolution Zoo: every convolution variant of deep learning, built in NumPy.

Names and argument order follow torch.nn.functional and torchvision.ops.
"""
from .convolution import (conv1d, conv1d_loop, conv2d, conv2d_backward, conv2d_loop, conv3d,
                          conv3d_loop)
from .correlation import convolve2d, correlate2d
from .arithmetic import (conv_output_size, conv_transpose_output_size, jump_and_start,
                         receptive_field)
