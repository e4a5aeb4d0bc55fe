"""Profiles: how big and how long. `quick` for tests, `standard` for a laptop or Binder, `gpu` on a GPU.

Every notebook runs the same code in every profile; only sizes and step counts change.
"""
from __future__ import annotations

import os
from typing import TypeVar

from .i18n import msg

PROFILES = ("quick", "standard", "gpu")
T = TypeVar("T")


def gpu_available() -> bool:
    """True when PyTorch sees a CUDA GPU."""
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def current_profile() -> str:
    """The profile from WERKSTATT_PROFILE, else `gpu` when a GPU is there, else `standard`."""
    chosen = "gpu" if gpu_available() else "standard"
    value = os.environ.get("WERKSTATT_PROFILE", "").strip().lower()
    if not value:
        return chosen
    if value not in PROFILES:
        import warnings

        warnings.warn(msg("profile.bad", value=value, chosen=chosen), stacklevel=2)
        return chosen
    return value


def pick(quick: T, standard: T, gpu: T | None = None) -> T:
    """The value for the current profile (`gpu` falls back to `standard` when not given)."""
    profile = current_profile()
    if profile == "quick":
        return quick
    if profile == "gpu" and gpu is not None:
        return gpu
    return standard


def is_shortened() -> bool:
    """True when the notebook runs the shortened `quick` version."""
    return current_profile() == "quick"


def device() -> str:
    """Where tensors should live: "cuda" when a GPU is there, else "cpu"."""
    return "cuda" if gpu_available() else "cpu"


def describe() -> str:
    """One plain sentence about the current profile, in the edition's language."""
    return msg(f"profile.{current_profile()}")
