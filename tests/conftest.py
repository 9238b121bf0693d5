"""Shared pytest configuration.

Hypothesis runs derandomised everywhere (the same examples on every run and machine,
no example database), so a property test either always passes or always fails.
Tests may still pass their own ``@settings(...)``; this profile is the default.
"""

from hypothesis import settings

settings.register_profile("optbind", derandomize=True, deadline=None, database=None)
settings.load_profile("optbind")
