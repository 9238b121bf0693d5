"""Layer 1: electrodynamics of small dielectrics (fields, Green tensors, forces)."""
