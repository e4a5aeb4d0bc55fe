"""KI-Werkstatt's helper package: plumbing for the notebooks, not magic.

What a learner should understand is written out in the notebooks. This package holds what would
distract: loading data, bookkeeping, widgets, self-checks and the messages in both languages.
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import i18n, profiles
from .errors import WerkstattError


def start(language: str, seed: int = 0) -> str:
    """Set up a notebook: language, friendly errors, plot style, a fixed seed; says which profile runs."""
    import random

    from .errors import install_friendly_errors
    from .plots import use_course_style

    i18n.set_language(language)
    install_friendly_errors()
    use_course_style()
    _tables_in_the_editions_numbers()
    random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass
    print(profiles.describe())
    return profiles.current_profile()


def _tables_in_the_editions_numbers() -> None:
    """pandas tables show decimals the edition's way (0,75 in German), as every message does."""
    try:
        import pandas as pd
    except ImportError:
        return
    pd.set_option("display.float_format", i18n.decimal)


__all__ = ["start", "WerkstattError", "i18n", "profiles"]
