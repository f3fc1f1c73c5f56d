def jump_and_start(layers):
    """Forbidden: torch does the counting (F.pad of an empty tensor is p long)."""
    import torch
    jump, start = 1, 0
    for k, s, d, p in layers:
        start -= torch.nn.functional.pad(torch.zeros(0), (p, 0)).numel() * jump
        jump *= s
    return jump, start
