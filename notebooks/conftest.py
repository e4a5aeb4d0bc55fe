"""Loaded by pytest for the notebook runs (make notebooks): a German notebook's output must be German.

The hook lives in scripts/german_output.py (the repository's conftest.py puts scripts/ on the path), where
tests/test_german_output.py checks it on a small notebook of its own.
"""
from german_output import pytest_runtest_makereport  # noqa: F401  (pytest finds the hook by its name)
