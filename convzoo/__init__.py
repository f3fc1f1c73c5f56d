"""Convolution Zoo: every convolution variant of deep learning, built in NumPy.

Names and argument order follow torch.nn.functional and torchvision.ops, so that
``convzoo.conv2d`` and ``torch.nn.functional.conv2d`` can be swapped. Each operator has a
loop version (``*_loop``) that reads like its formula and the vectorised one used here.
Figures live in ``convzoo.plot`` (needs matplotlib), not imported here.
"""
from .arithmetic import (conv_output_size, conv_transpose_output_size,  # chapter 2 added some
                         equivalent_kernel, jump_and_start, pool_output_size, receptive_field,
                         tf_same_padding)
from .attention import (channel_attention, channel_attention_cost,  # chapter 8
                        channel_attention_loop, eca_kernel_size, efficient_channel_attention,
                        efficient_channel_attention_cost, efficient_channel_attention_loop,
                        selective_kernel, selective_kernel_cost, selective_kernel_loop,
                        spatial_attention, spatial_attention_cost, spatial_attention_loop)
from .convolution import (conv1d, conv1d_loop, conv2d, conv2d_backward, conv2d_backward_loop,
                          conv2d_loop, conv3d, conv3d_loop)
from .correlation import convolve2d, correlate2d
from .cost import (conv2d_bytes, conv2d_cost, conv2d_output_size,  # chapter 5 added some
                   depthwise_separable_conv2d_cost, flattened_conv2d_cost, inverted_residual_cost,
                   spatially_separable_conv2d_cost)
from .deformable import (bilinear, bilinear_gradient, deform_conv2d,  # chapter 7
                         deform_conv2d_backward, deform_conv2d_loop, join_offset,
                         sampling_points, split_offset)
from .dilated import (causal_conv1d, causal_conv1d_loop, coverage, coverage_map,  # chapter 4
                      covers_without_holes, dilate_kernel, dilated_conv2d_by_phases,
                      effective_kernel_size, stack_input_gradient)
from .excitation import (SE_POSITIONS, excitation, se_residual_block,  # chapter 8
                         squeeze_excitation, squeeze_excitation_cost, squeeze_excitation_loop)
from .matrix import conv2d_matrix, conv_matrix, shift_matrix
from .padding import pad, pad_loop  # chapter 2
from .pooling import avg_pool2d, avg_pool2d_loop, max_pool2d, max_pool2d_loop  # chapter 2
from .mobilenet import (fuse_conv_bn_weights, inverted_residual,  # chapter 5
                        inverted_residual_from_state_dict, relu6)
from .separable import (depthwise_separable_conv2d, depthwise_separable_conv2d_loop,  # chapter 5
                        factor_kernel, flattened_conv2d, flattened_conv2d_loop, flattened_kernel,
                        spatially_separable_conv2d, spatially_separable_conv2d_loop,
                        spatially_separable_kernel)
from .shuffle import (channel_shuffle, channel_shuffle_loop, channel_unshuffle,
                      channel_unshuffle_loop)
from .transposed import (conv_transpose2d, conv_transpose2d_backward,  # chapter 3
                         conv_transpose2d_loop, conv_transpose2d_zero_insertion,
                         conv_weight_of_transpose, insert_zeros, output_padding_for, overlap_map)
from .upsampling import (checkerboard_strength, interpolate, interpolation_matrix,  # chapter 3
                         pixel_shuffle, pixel_shuffle_loop, pixel_unshuffle)
from .unshared import (locally_connected2d, locally_connected2d_parameters, tiled_conv2d,
                       tiled_conv2d_parameters, tiled_weight)
