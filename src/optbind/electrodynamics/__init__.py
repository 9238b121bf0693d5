"""Layer 1: Green tensors, fields and particles."""
