"""Lesson plans whose minutes are computed, never typed; chapter titles and misconceptions read from the chapter pages.

Where each minute comes from:
  start-up       benchmarks/results/startup.json: Binder launch (an allowance, since it cannot be measured offline),
                 a ready kernel, SmolLM2's one-time conversion (measured)
  notebook       the time the notebook states in its first cell ("**Zeit:** etwa N Minuten"); its measured computing
                 time (benchmarks/results/notebooks-standard.json) must fit inside it, a test checks that
  exercises      the time the exercise notebook states in its first cell
  phases         opening, book page, consolidation: fixed lesson phases, the same for every chapter (PHASES)
A plan fills its lesson exactly: what does not fit is cut (and the plan says where), what is left is a buffer.
scripts/teacher_tables.py writes the plans into book/{de,en}/teachers-chapters.md between markers.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from werkstatt.i18n import num, text

ROOT = Path(__file__).resolve().parents[1]
STARTUP = ROOT / "benchmarks" / "results" / "startup.json"
STEMS = {0: "00-start-here", 1: "01-language-model", 2: "02-tokens", 3: "03-attention", 4: "04-tiny-gpt",
         5: "05-open-models", 6: "06-fine-tuning", 7: "07-looking-inside", 8: "08-bias", 9: "09-society"}
FIRST_SMOLLM2 = 5          # the first chapter that loads SmolLM2: its lesson pays the one-time conversion
PHASES = {"intro": 5, "book": 10, "closing_45": 5, "closing_90": 10, "selfcheck": 20}
MISCONCEPTION = re.compile(r"^```\{admonition\} (?:Irrtum|Missverständnis|Fehlvorstellung|Misconception)\n"
                           r"(?::[^\n]*\n)*(.+?)\n", re.M)
STATED = {"de": re.compile(r"\*\*Zeit:\*\* etwa (\d+) Minuten"), "en": re.compile(r"\*\*Time:\*\* about (\d+) minutes")}
UNSECTIONED = ("Vorbereitung", "Getting ready", "Was du gelernt hast", "What you learned")


# ---------------------------------------------------------------------------------------------------------
# What the chapter pages and notebooks say about themselves

def page(number: int, language: str) -> str:
    return (ROOT / "book" / language / f"{STEMS[number]}.md").read_text(encoding="utf-8")


def title(number: int, language: str) -> str:
    """The chapter page's own title, e.g. 'Kapitel 4: Ein kleines GPT selbst gebaut'."""
    return page(number, language).splitlines()[0].lstrip("# ").strip()


def misconception(number: int, language: str) -> str | None:
    """The first line of the chapter page's misconception box (None when the page has none)."""
    found = MISCONCEPTION.search(page(number, language))
    return found.group(1).strip() if found else None


def notebook_cells(folder: str, number: int, language: str) -> list[dict]:
    path = ROOT / folder / language / f"{STEMS[number]}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"] if path.exists() else []


def stated_minutes(folder: str, number: int, language: str) -> int | None:
    """The minutes the notebook (or exercise notebook) states in its first cell."""
    cells = notebook_cells(folder, number, language)
    found = STATED[language].search("".join(cells[0]["source"])) if cells else None
    return int(found.group(1)) if found else None


def sections(number: int, language: str) -> list[tuple[int, str]]:
    """(cell index, heading) of the notebook's sections in notebook order, set-up and summary left out."""
    found = []
    for index, cell in enumerate(notebook_cells("notebooks", number, language)):
        first = "".join(cell["source"]).split("\n", 1)[0]
        if cell["cell_type"] == "markdown" and first.startswith("## "):
            heading = first[3:].strip()
            if not heading.startswith(UNSECTIONED):
                found.append((index, heading))
    return found


def section_reached(number: int, language: str, share: float) -> str:
    """The heading of the last section that starts within the first `share` of the notebook's cells."""
    cells = len(notebook_cells("notebooks", number, language))
    reached = [heading for index, heading in sections(number, language) if index <= share * cells]
    return reached[-1] if reached else sections(number, language)[0][1]


# ---------------------------------------------------------------------------------------------------------
# Start-up figures

def startup() -> dict:
    return json.loads(STARTUP.read_text(encoding="utf-8"))["steps"] if STARTUP.exists() else {}


def startup_minutes(figures: dict) -> int:
    """Launching Binder (or logging in) and a ready kernel, rounded up to whole minutes."""
    seconds = figures.get("binder_launch", {}).get("seconds", 300) + figures.get("kernel_ready", {}).get("seconds", 0)
    return math.ceil(seconds / 60)


def first_load_minutes(figures: dict) -> int:
    return math.ceil(figures.get("first_model_load", {}).get("seconds", 60) / 60)


# ---------------------------------------------------------------------------------------------------------
# Plans

@dataclass
class Step:
    key: str                        # message teacher.step.<key>
    minutes: int
    values: dict = field(default_factory=dict)


@dataclass
class Plan:
    length: int
    steps: list[Step]

    def total(self) -> int:
        return sum(step.minutes for step in self.steps)


def _notebook_step(number: int, language: str, minutes: int) -> Step:
    """The notebook from its first section: whole when `minutes` covers its stated time, else cut where time ends."""
    stated = stated_minutes("notebooks", number, language)
    heads = sections(number, language)
    first, last = heads[0][1], heads[-1][1]
    if minutes >= stated:
        return Step("notebook", stated, {"first": first, "last": last})
    return Step("notebook_part", minutes, {"first": first, "last": section_reached(number, language, minutes / stated),
                                           "stated": stated})


def _fill(length: int, steps: list[Step], closing: int, flexible) -> Plan:
    """`steps`, then what `flexible(minutes_left)` makes of the time before the closing phase, then a buffer."""
    left = length - sum(step.minutes for step in steps) - closing
    steps = steps + [step for step in flexible(left) if step.minutes > 0]
    steps.append(Step("closing", closing))
    spare = length - sum(step.minutes for step in steps)
    if spare > 0:
        steps.append(Step("buffer", spare))
    return Plan(length, steps)


def chapter_plan(number: int, language: str, length: int, figures: dict) -> Plan:
    """A 45- or 90-minute lesson on one chapter, in the order of the notebook."""
    start = [Step("startup", startup_minutes(figures))]
    if number == FIRST_SMOLLM2:
        start.append(Step("first_load", first_load_minutes(figures)))
    if number == 0:
        def rest(left: int) -> list[Step]:
            steps = [Step("selfcheck", min(PHASES["selfcheck"], left))]
            if length == 90:
                steps.append(_notebook_step(1, language, left - steps[0].minutes))
            return steps
        return _fill(length, start + [Step("intro", PHASES["intro"])], PHASES[f"closing_{length}"], rest)
    opening = [Step("intro", PHASES["intro"])] + ([Step("book", PHASES["book"])] if length == 90 else [])

    def rest(left: int) -> list[Step]:
        notebook = _notebook_step(number, language, left)
        steps = [notebook]
        exercises = stated_minutes("exercises", number, language) or 0
        after = left - notebook.minutes
        if length == 90 and after > 0 and exercises:
            steps.append(Step("exercises", exercises) if after >= exercises else
                         Step("exercises_part", after, {"stated": exercises}))
        return steps
    return _fill(length, start + opening, PHASES[f"closing_{length}"], rest)


def bias_lesson(language: str, figures: dict) -> Plan:
    """The standalone 90-minute lesson on bias: chapter 8 without chapters 1-7."""
    start = [Step("startup", startup_minutes(figures)), Step("intro", PHASES["intro"]),
             Step("bias_book", 2 * PHASES["book"])]
    return _fill(90, start, PHASES["closing_90"], lambda left: [_notebook_step(8, language, left)])


def render(plan: Plan, language: str) -> str:
    return " · ".join(text(f"teacher.step.{step.key}", language, minutes=step.minutes, **step.values)
                      for step in plan.steps)


def computing_minutes(results: dict, number: int) -> float | None:
    """Measured computing time of the chapter's notebook in minutes (either edition), None if not measured."""
    for entry in results.get("notebooks", []):
        if entry["notebook"].endswith(f"/{STEMS[number]}.ipynb") and entry.get("ok"):
            return entry["seconds"] / 60
    return None


def chapter_block(number: int, language: str, results: dict) -> str:
    """Heading, misconception, the notebook's order and both plans of one chapter (the generated part of a section)."""
    figures = startup()
    lines = [f"## {title(number, language)}", ""]
    wrong = misconception(number, language)
    if wrong:
        lines += [f"**{text('teacher.misconception', language)}** {wrong} "
                  + text("teacher.from_page", language, page=f"{{doc}}`{STEMS[number]}`"), ""]
    if number:
        order = " → ".join(heading for _, heading in sections(number, language))
        lines += [f"**{text('teacher.order', language)}** {order}", ""]
    for length in (45, 90):
        plan = chapter_plan(number, language, length, figures)
        lines.append(f"- **{text('teacher.minutes', language, minutes=length)}:** {render(plan, language)}")
    computed = computing_minutes(results, number) if number else None
    if computed is not None:
        lines += ["", text("teacher.plan_note", language, computing=num(computed, 1, language))]
    return "\n".join(lines)


def bias_block(language: str) -> str:
    return f"- **{text('teacher.minutes', language, minutes=90)}:** {render(bias_lesson(language, startup()), language)}"


def startup_block(language: str) -> str:
    """Where the start-up minutes come from, in one sentence per figure."""
    figures = startup()
    if not figures:
        return text("teacher.startup_none", language)
    rows = []
    for name in ("binder_launch", "kernel_ready", "first_model_load", "model_reload", "colab_setup"):
        entry = figures.get(name)
        if entry:
            kind = "teacher.measured" if entry.get("measured") else "teacher.allowance"
            rows.append(f"| {text('teacher.startup.' + name, language)} | {num(entry['seconds'], 1, language)} s | "
                        f"{text(kind, language)} |")
    data = json.loads(STARTUP.read_text(encoding="utf-8"))
    head = "| " + " | ".join(text(f"teacher.{c}", language) for c in ("step", "seconds", "kind")) + " |\n|---|---|---|"
    return head + "\n" + "\n".join(rows) + "\n\n" + text(
        "teacher.startup_source", language, command=data.get("command", "benchmarks/startup.py"),
        date=data.get("measured", "")[:10], note=text("teacher.shared", language) if data.get("shared_machine") else "",
        startup=startup_minutes(figures), first=first_load_minutes(figures))


# ---------------------------------------------------------------------------------------------------------
# Longer arrangements: a six-week unit (three 45-minute lessons a week, as in a Q1 basic course in NRW) and a
# six-session seminar (learners work through the notebooks at home; the session discusses them and the readings).

UNIT = [[(0, 45), (1, 90)], [(2, 90), (3, 45)], [(4, 90), (5, 45)], [(6, 90), (7, 45)], [(8, 90), (9, 45)]]
UNIT_WEEK = 135            # minutes a week: three lessons of 45 minutes
SEMINAR = [(1, 2), (3, 4), (5,), (6, 7), (8,), (9,)]


def unit_block(language: str) -> str:
    figures = startup()
    head = "| " + " | ".join(text(f"teacher.{c}", language) for c in ("week", "lessons", "planned")) + " |\n|---|---|---|"
    rows = []
    for week, lessons in enumerate(UNIT, start=1):
        plans = [chapter_plan(number, language, length, figures) for number, length in lessons]
        names = ", ".join(text("teacher.lesson", language, number=number, minutes=length) for number, length in lessons)
        used = sum(step.minutes for p in plans for step in p.steps if step.key != "buffer")  # a buffer is not planned
        rows.append(f"| {week} | {names} | {used} / {UNIT_WEEK} |")
    rows.append(f"| {len(UNIT) + 1} | {text('teacher.unit_project', language)} | {UNIT_WEEK} / {UNIT_WEEK} |")
    return head + "\n" + "\n".join(rows)


def seminar_block(language: str) -> str:
    head = "| " + " | ".join(text(f"teacher.{c}", language) for c in ("session", "chapters", "homework")) + " |\n|---|---|---|"
    rows = []
    for session, chapters in enumerate(SEMINAR, start=1):
        minutes = sum((stated_minutes("notebooks", n, language) or 0) + (stated_minutes("exercises", n, language) or 0)
                      for n in chapters)
        names = ", ".join(title(n, language) for n in chapters)
        rows.append(f"| {session} | {names} | {text('teacher.homework_value', language, minutes=minutes)} |")
    return head + "\n" + "\n".join(rows)
