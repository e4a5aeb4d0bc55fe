"""Errors a learner can cause, shown as one clear sentence instead of a traceback."""
from __future__ import annotations

from .i18n import msg


class WerkstattError(Exception):
    """A mistake the learner can fix; the text says what happened and what to do next."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(msg(key, **values))


def _show_without_traceback(shell, etype, evalue, tb, tb_offset=None):
    # A learner needs the sentence, not forty lines of library internals.
    from IPython.display import HTML, display

    display(HTML(f'<div class="werkstatt-error" role="alert" style="border-left:4px solid #D55E00;'
                 f'padding:0.4em 0.8em">⚠️ {evalue}</div>'))
    return [f"⚠️ {evalue}"]


def install_friendly_errors() -> bool:
    """In a notebook, show WerkstattError as a short message; returns False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((WerkstattError,), _show_without_traceback)
    return True


def check_range(name: str, value: float, low: float, high: float) -> float:
    """Return `value`, or raise WerkstattError when it lies outside [low, high]."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise WerkstattError("error.not_a_number", name=name, value=value) from None
    if not low <= number <= high:
        raise WerkstattError("error.out_of_range", name=name, value=value, low=low, high=high)
    return value
