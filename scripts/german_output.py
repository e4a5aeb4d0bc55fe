"""English in the German notebooks' output: words of the course's own labels and numbers written the English way.

`make notebooks` runs every German notebook with nbval; notebooks/conftest.py imports the hook below, which hands
each cell's output to `findings` and fails the cell when something English shows – the notebooks run once, not twice.
Not checked, because it is not the course's wording: progress bars of libraries, widgets (the learner sees the
widget, not its text), and cells tagged `english-on-purpose` (English data or model text shown on purpose, such as
chapter 8's English word sets for an English-only model). Words a model writes rarely hit the list below, which
holds the words of labels, table headers and messages.
"""
from __future__ import annotations

import re

# Words that only appear when a label, header or message was left in English (model text is exempt, see above).
ENGLISH_WORDS = ("female", "male", "stereotype", "towards_stereotype", "template", "kind", "loss", "Loss", "validation",
                 "Validation", "shortened", "proprietary", "evidence", "disclosed", "layer", "Layer", "score", "step",
                 "steps", "Step", "Steps", "accuracy", "Accuracy", "characters", "tokens per word", "bits per character",
                 "trained on", "weights", "Weights", "context", "none", "True", "False")
_WORDS = re.compile(r"(?<![\w.`'\"/])(" + "|".join(re.escape(word) for word in ENGLISH_WORDS) + r")(?![\w`'\"/(=-])")
# An English decimal: a point followed by one, two or four and more digits (1.5, 0.91, 2.4161); three digits after
# a point are a German thousands group (3.920). English thousands: two or more comma groups (1,714,701).
_DECIMAL = re.compile(r"(?<![\w.:/-])\d+\.(?:\d{1,2}|\d{4,})(?![\w.:/]|\.\d)")
_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3}){2,}(?![\w,])")
_SKIP = re.compile(r"(?m)^.*\d+%\|.*$|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\.\d{1,2}\.(?!\d)|https?://\S+|\b[\w-]+\.(?:py|json|txt|md|png|ipynb|zip)\b"
                   r"|\bv?\d+\.\d+\.\d+\b"
                   r"|\b(?:Python|PyTorch|torch|transformers|Apache|Llama|OLMo|SmolLM\d?|GPT|Pythia|Version|v)[- ]?\d+(?:\.\d+)+"
                   r"|\[[^\]]*\]|\([^)]*[=:][^)]*\)")  # Python lists and calls are code, not the course's wording


def output_text(output: dict) -> str:
    """The text a learner sees of one output: stdout and plain-text results, not stderr (library progress bars)."""
    if output.get("output_type") == "stream":
        text = output.get("text", "") if output.get("name") == "stdout" else ""
        return "".join(text) if isinstance(text, list) else text
    if output.get("output_type") in ("execute_result", "display_data"):
        data = output.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:  # the learner sees the widget, not this text
            return ""
        text = data.get("text/plain", "")
        return "".join(text) if isinstance(text, list) else text
    return ""


def findings(text: str) -> list[str]:
    """Each English word or English-formatted number in `text`, with a little context."""
    cleaned = _SKIP.sub(" ", text)
    found = []
    for pattern, what in ((_WORDS, "English word"), (_DECIMAL, "English decimal point"),
                          (_THOUSANDS, "English thousands separator")):
        for match in pattern.finditer(cleaned):
            start, end = max(0, match.start() - 30), match.end() + 30
            found.append(f"{what} »{match.group(0)}« in …{cleaned[start:end].strip()}…".replace("\n", " "))
    return found


TAG = "english-on-purpose"


def cell_problems(path, tags, outputs) -> list[str]:
    """What is English in one cell's outputs; empty outside a German edition folder or for a tagged cell."""
    from pathlib import Path

    if Path(path).parent.name != "de" or TAG in (tags or []):
        return []
    return [line for output in outputs or [] for line in findings(output_text(output))]


try:
    import pytest
except ImportError:  # the module is also used without pytest (scripts)
    pytest = None

if pytest is not None:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):
        """After nbval ran a cell of a German notebook: fail it when its output shows English."""
        outcome = yield
        report = outcome.get_result()
        cell = getattr(item, "cell", None)
        if report.when != "call" or not report.passed or cell is None:
            return
        path = getattr(item, "path", None) or str(item.fspath)
        problems = cell_problems(path, cell.get("metadata", {}).get("tags", []), getattr(item, "test_outputs", None))
        if problems:
            report.outcome = "failed"
            report.longrepr = ("English in the German edition's output (translate it, or tag the cell "
                               f"'{TAG}' if it shows English on purpose):\n" + "\n".join(problems))
