"""Errors a learner can cause, shown as one clear sentence instead of a traceback.

The `check_*` helpers are the one place where a learner's setting is checked: every module calls them before it
starts work, so a wrong value gives the same kind of sentence everywhere, with the allowed range written the
edition's way (German: 0,001; English: 0.001).
"""
from __future__ import annotations

import math
from typing import Iterable

from .i18n import get_language, msg, num


class WerkstattError(Exception):
    """A mistake the learner can fix; the text says what happened and what to do next."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(msg(key, **values))


def _show_without_traceback(shell, etype, evalue, tb, tb_offset=None):
    # A learner needs the sentence, not forty lines of library internals.
    from IPython.display import HTML, display

    if not isinstance(evalue, WerkstattError):  # memory ran out: say so in the edition's language
        evalue = msg("error.out_of_memory")
    display(HTML(f'<div class="werkstatt-error" role="alert" style="border-left:4px solid #D55E00;'
                 f'padding:0.4em 0.8em">⚠️ {evalue}</div>'))
    return [f"⚠️ {evalue}"]


def _memory_errors() -> tuple[type, ...]:
    try:
        import torch

        return (MemoryError, torch.OutOfMemoryError)
    except (ImportError, AttributeError):  # pragma: no cover - torch is always there in the course
        return (MemoryError,)


def install_friendly_errors() -> bool:
    """In a notebook, show WerkstattError (and running out of memory) as a short message; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((WerkstattError, *_memory_errors()), _show_without_traceback)
    return True


def shown(value: object) -> str:
    """A value as a learner should read it in a message: numbers the edition's way (0,001 · 1.500 · 1e-07), text quoted."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, int):
        return num(value)
    if not math.isfinite(value):
        return str(value)  # nan, inf
    if value == 0:
        return "0"
    if 1e-6 <= abs(value) < 1e9:  # 0,000001 as the notebooks write learning rates; smaller ones as 1e-07
        digits = max(0, min(8, 4 - int(math.floor(math.log10(abs(value))))))
        text = num(value, digits)
        if digits:
            from babel.numbers import get_decimal_symbol

            decimal = get_decimal_symbol(get_language())
            text = text.rstrip("0").rstrip(decimal)
        return text
    from babel.numbers import get_decimal_symbol

    return f"{value:.3g}".replace(".", get_decimal_symbol(get_language()))


def _allowed(low: float | None, high: float | None, low_open: bool) -> str:
    if low is not None and high is not None:
        return msg("error.allowed_above_to" if low_open else "error.allowed_between", low=shown(low), high=shown(high))
    if low is not None:
        return msg("error.allowed_above" if low_open else "error.allowed_at_least", low=shown(low))
    if high is not None:
        return msg("error.allowed_at_most", high=shown(high))
    return msg("error.allowed_any")


def check_number(name: str, value: object, low: float | None = None, high: float | None = None, *,
                 whole: bool = False, low_open: bool = False, optional: bool = False):
    """Return `value` when it is a number from `low` to `high` (above `low` when `low_open`; a whole number when
    `whole`; None allowed when `optional`); otherwise raise WerkstattError with the allowed range."""
    if value is None and optional:
        return value
    allowed = _allowed(low, high, low_open)
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_numpy_number(value):
        key = "error.not_whole" if whole else "error.not_a_number"
        if isinstance(value, str) and _parses_as_number(value):
            key = "error.quoted_number"  # "0.001" in quotes: the learner meant the number
        raise WerkstattError(key, name=name, value=shown(value), allowed=allowed)
    number = float(value)
    if whole and math.isfinite(number) and int(number) != number:
        raise WerkstattError("error.not_whole", name=name, value=shown(value), allowed=allowed)
    inside = math.isfinite(number) and (low is None or (number > low if low_open else number >= low)) and \
        (high is None or number <= high)
    if not inside:  # NaN and infinity are never inside: every comparison with NaN is False
        raise WerkstattError("error.out_of_range", name=name, value=shown(value), allowed=allowed)
    return int(value) if whole else value


def _parses_as_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _is_numpy_number(value: object) -> bool:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, (np.integer, np.floating))


def check_range(name: str, value: float, low: float, high: float) -> float:
    """Return `value`, or raise WerkstattError when it is not a number from `low` to `high`."""
    return check_number(name, value, low, high)


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return `value` when it is one of `choices`; otherwise a message that lists them (no silent default)."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise WerkstattError("error.not_a_choice", name=name, value=shown(value),
                             choices=", ".join(repr(choice) for choice in choices))
    return value
