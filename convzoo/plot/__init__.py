"""Figures of the book, drawn from the same numbers the pages compute.

Every function returns a matplotlib Figure built without pyplot, so nothing stays open in
a global figure list: the page displays it, a test inspects it, and both can drop it.
Labels are ASCII; the Chinese names of the terms live in the prose. One module per
chapter (`correlation` for chapter 1, ...), and `common` for what they share; everything
is re-exported here, so a page writes `plot.correlation_figure(...)`.
"""
from .common import error_maps_figure, feature_maps_figure, photograph, timing_figure
from .correlation import (correlation_figure, flip_figure, kernel_stack_figure, matrix_figure,
                          volume_figure, weight_sharing_figure)
from .dilated import (coverage_figure, dependency_figure, dilated_kernel_figure,  # chapter 4
                      valid_weights_figure)
from .separable import (channel_graph_figure, curves_figure, manifold_figure,  # chapter 5
                        outer_product_figure, ratio_figure)
from .arithmetic import (effective_field_figure, invariance_figure, padding_modes_figure,  # chapter 2
                         pooling_figure, receptive_field_figure, sizes_figure,
                         transposed_windows_figure, windows_figure)
from .deformable import (bilinear_figure, border_figure, offset_layout_figure,  # chapter 7
                         sampling_figure)
from .excitation import (attention_figure, gates_figure, overhead_figure,  # chapter 8
                         photo_features, placement_figure, squeeze_excitation_figure)
from .grouped import (block_diagonal_figure, channel_dependency_figure,  # chapter 6
                      group_cost_figure, guidelines_figure, shuffle_figure, unit_figure)
from .transposed import (output_padding_figure, overlap_figure, scatter_figure,  # chapter 3
                         strengths_figure, upsampled_figure, zero_insertion_figure)
from .fast import bench_figure, roofline_figure, transforms_figure  # chapter 9
