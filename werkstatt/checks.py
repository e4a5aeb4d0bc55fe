"""Self-checks for exercises, in the style of Kaggle's learntools: `q1.check(answer)`, `q1.hint()`, `q1.solution()`.

A check answers in the edition's language with one of three results: correct; not yet, with a hint;
or not attempted yet (the answer is still the stub `None` or `...`).

Tests run the solution notebooks with WERKSTATT_EXPECT=correct and the exercise notebooks with
WERKSTATT_EXPECT=unattempted: then a check that disagrees raises, so a check that cannot fail is caught.
"""
from __future__ import annotations

import enum
import html
import os
from dataclasses import dataclass
from typing import Any, Callable

from .i18n import get_language, msg


Checker = Callable[[Any], "str | tuple[str, dict] | None"]


class Status(enum.Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    UNATTEMPTED = "unattempted"


@dataclass
class Result:
    """What a check found; shown in the notebook as a coloured box."""

    status: Status
    message: str

    @property
    def ok(self) -> bool:
        return self.status is Status.CORRECT

    def _repr_html_(self) -> str:
        icon, colour = {Status.CORRECT: ("✅", "#009E73"), Status.WRONG: ("❌", "#D55E00"),
                        Status.UNATTEMPTED: ("ℹ️", "#0072B2")}[self.status]
        text = html.escape(self.message).replace("\n", "<br>")
        return (f'<div role="status" style="border-left:4px solid {colour};padding:0.3em 0.8em">'
                f"{icon} {text}</div>")

    def __repr__(self) -> str:
        return f"{self.status.value}: {self.message}"


def _not_attempted(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


class Task:
    """One exercise task: a checker, a hint and the reference solution, in the edition's language.

    The hint is the message "<name>.hint" in werkstatt/locale/<language>/LC_MESSAGES/werkstatt.po.

    `checker(answer)` returns None when the answer is right, else the message key of a hint that fits
    the mistake, or a pair (key, {placeholder: value}) when the message needs values. A learner's function that returns None or `...` counts as not attempted.
    """

    def __init__(self, name: str, checker: Checker, solution: str = "") -> None:
        self.name = name
        self._checker = checker
        self.solution_code = solution.strip("\n")

    def evaluate(self, answer: Any) -> Result:
        """Check `answer` and return the result without side effects."""
        if _not_attempted(answer):
            return Result(Status.UNATTEMPTED, msg("check.unattempted"))
        try:
            problem = self._checker(answer)
        except _NotAttempted:
            return Result(Status.UNATTEMPTED, msg("check.unattempted"))
        except Exception as error:  # the learner's code failed: say so instead of a traceback
            return Result(Status.WRONG, msg("check.raised", error=f"{type(error).__name__}: {error}"))
        if problem is None:
            return Result(Status.CORRECT, msg("check.correct"))
        key, values = problem if isinstance(problem, tuple) else (problem, {})
        return Result(Status.WRONG, f'{msg("check.wrong")} {msg(key, **values)}')

    def check(self, answer: Any) -> Result:
        """Check the learner's answer and show the result."""
        result = self.evaluate(answer)
        expected = os.environ.get("WERKSTATT_EXPECT", "").strip().lower()
        if expected and expected != result.status.value:
            raise AssertionError(msg("check.expect_failed", expected=expected, task=self.name,
                                     status=f"{result.status.value} ({result.message})"))
        return result

    def hint(self) -> Result:
        """A hint for this task."""
        return _Box(msg("check.hint_label"), msg(f"{self.name}.hint"))

    def solution(self) -> "_Box":
        """The reference solution (try on your own first!)."""
        return _Box(msg("check.solution_label"), self.solution_code, code=True)


class _NotAttempted(Exception):
    """Raised by checkers when a learner's function still returns the stub value."""


def call(function: Callable, *args: Any) -> Any:
    """Call a learner's function; a stub that returns None or `...` counts as not attempted."""
    if _not_attempted(function):
        raise _NotAttempted
    result = function(*args)
    if _not_attempted(result):
        raise _NotAttempted
    return result


@dataclass
class _Box:
    label: str
    text: str
    code: bool = False

    def _repr_html_(self) -> str:
        body = html.escape(self.text)
        body = f"<pre><code>{body}</code></pre>" if self.code else body
        return f'<div style="border-left:4px solid #E69F00;padding:0.3em 0.8em"><b>{self.label}:</b> {body}</div>'

    def __repr__(self) -> str:
        return f"{self.label}: {self.text}"


def language_of_answer() -> str:
    """The edition's language, for checkers whose reference depends on the corpus."""
    return get_language()
