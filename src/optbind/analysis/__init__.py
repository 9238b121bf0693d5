"""Layer 5: analyses built on the physics layers (errata, Appendix C, ...)."""
