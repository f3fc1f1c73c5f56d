"""convzoo can be swapped for torch: same names, same argument order, same defaults."""
import inspect
import re

import pytest
import torch.nn.functional as F
import torchvision.ops

import convzoo

SWAPS = {
    "conv1d": F.conv1d,
    "conv2d": F.conv2d,
    "conv3d": F.conv3d,
    "conv_transpose2d": F.conv_transpose2d,
    "deform_conv2d": torchvision.ops.deform_conv2d,
    "channel_shuffle": F.channel_shuffle,
    "pad": F.pad,                                  # chapter 2
    "avg_pool2d": F.avg_pool2d,
    "max_pool2d": F._max_pool2d,  # F.max_pool2d dispatches on return_indices with (*args, **kwargs)
    "pixel_shuffle": F.pixel_shuffle,              # chapter 3
    "pixel_unshuffle": F.pixel_unshuffle,
    "interpolate": F.interpolate,
}


def torch_parameters(fn):
    """(name, default) pairs of a torch function; builtins give them in the docstring."""
    try:
        params = inspect.signature(fn).parameters.values()
        return [(p.name, p.default) for p in params]
    except ValueError:
        first = fn.__doc__.strip().splitlines()[0]           # "conv2d(input, weight, ...)"
        inside = re.match(r"\w+\((.*)\)", first).group(1)
        pairs = []
        for part in inside.split(", "):
            name, _, default = part.partition("=")
            pairs.append((name, eval(default) if default else inspect.Parameter.empty))
        return pairs


def ours(fn):
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", SWAPS)
def test_argument_names_order_and_defaults_follow_torch(name):
    theirs = torch_parameters(SWAPS[name])
    mine = ours(getattr(convzoo, name))
    # the first argument is called input in torch and x here (input is a Python builtin)
    assert [n for n, _ in mine[1:]] == [n for n, _ in theirs[1:]]
    for (n, d_mine), (_, d_theirs) in zip(mine[1:], theirs[1:]):
        if d_theirs is not inspect.Parameter.empty:
            as_tuple = (d_mine,) * len(d_theirs) if isinstance(d_theirs, tuple) else d_mine
            assert as_tuple == d_theirs, f"{name}: default of {n}"


LOOPED = [n for n in dir(convzoo) if n.endswith("_loop")]


@pytest.mark.parametrize("name", LOOPED)
def test_every_loop_version_has_the_signature_of_its_fast_twin(name):
    fast = getattr(convzoo, name[: -len("_loop")])
    assert inspect.signature(getattr(convzoo, name)) == inspect.signature(fast)


PUBLIC = [n for n in dir(convzoo) if callable(getattr(convzoo, n)) and not n.startswith("_")]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_function_has_a_docstring(name):
    assert (getattr(convzoo, name).__doc__ or "").strip(), f"{name} has no docstring"


def test_importing_convzoo_does_not_need_torch_or_matplotlib():
    import subprocess
    import sys
    code = ("import sys, convzoo; bad = {'torch', 'matplotlib', 'scipy'} & set(sys.modules);"
            "sys.exit(f'imported {bad}' if bad else 0)")
    subprocess.run([sys.executable, "-c", code], check=True)


# chapter 8: the weights of SE and CBAM's channel attention are named as in the state_dict
# of torchvision.ops.SqueezeExcitation (fc1.weight -> fc1_weight), in its order.
@pytest.mark.parametrize("name", ["squeeze_excitation", "squeeze_excitation_loop", "excitation",
                                  "channel_attention", "channel_attention_loop"])
def test_se_weights_are_named_and_ordered_as_torchvisions_state_dict(name):
    names = [k.replace(".", "_") for k in torchvision.ops.SqueezeExcitation(4, 2).state_dict()]
    assert ours(getattr(convzoo, name))[1:] == [(n, inspect.Parameter.empty) for n in names]
