#!/usr/bin/env python
"""Printable worksheets and answer keys (PDF, A4) for chapters 1-9 in both editions: `make worksheets`.

Everything comes from the solution notebooks at build time (solutions/<lang>/*.ipynb), so a new or renumbered task
shows up on the next build without a list to keep in step:

- a task is a `## ` section whose code calls `qK.check(...)`; its text is the markdown before that cell, its level
  (base/code/challenge) is `Task.level` in werkstatt/exercises/chNN.py;
- the reflection questions are the sections after the last task ("Zum Weiterdenken", "Was du gelernt hast", ...),
  their expected answers the `<!-- BEGIN SOLUTION -->` blocks in them;
- the answer key's common mistakes are the self-check's own messages for wrong answers ("chNN.qK.*" in
  werkstatt/locale/<lang>/LC_MESSAGES/werkstatt.po), its hints those of `Task.hint_keys()`;
- the key figure is the chapter page's first figure (book/<lang>/NN-*.md) with its caption.

The pages are HTML printed by the system's Chromium (the browser the book's tests already use), driven by Playwright:
formulas are typeset by the MathJax the book serves offline (tools/browser/node_modules), so they look as in the
book, and the fonts come from the system, so umlauts print as text.

Output: _build/worksheets/<lang>/NN-<name>-worksheet.pdf, NN-<name>-answer-key.pdf and an index.html that links them.
Usage: python scripts/worksheets.py [--language de|en] [--out _build/worksheets]
"""
from __future__ import annotations

import argparse
import html
import importlib
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbtools import LANGUAGES, ROOT, notebooks, read, stub_code, task_solutions  # noqa: E402

from werkstatt import i18n  # noqa: E402

OUT = ROOT / "_build" / "worksheets"
TEMPLATE = Path(__file__).resolve().parent / "worksheet_template.html"
MATHJAX = ROOT / "tools" / "browser" / "node_modules" / "mathjax" / "es5" / "tex-svg.js"
CHAPTERS = range(1, 10)

_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*)$")
_CHECK = re.compile(r"^\s*(q\d+)\.check\(", re.M)
_MD_SOLUTION = re.compile(r"\s*<!-- BEGIN SOLUTION -->\s*(.*?)\s*<!-- END SOLUTION -->\s*", re.S)
_FIGURE = re.compile(r"^```\{figure\}\s*(\S+)\n(.*?)^```", re.S | re.M)
LEVEL_KEYS = {"base": "worksheet.level_base", "code": "worksheet.level_code", "challenge": "worksheet.level_challenge"}


@dataclass
class Task:
    name: str        # "ch01.q4"
    heading: str     # "Aufgabe 4: Paare zählen"
    level: str       # base, code or challenge
    prompt: str      # the task's text (markdown) as the pupil reads it
    code: str        # the cell the pupil completes (with the stub), shown for coding tasks
    solution: str    # the reference solution as q.solution() shows it
    answer: str      # a written answer (markdown), if the task has one
    mistakes: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


@dataclass
class Reflection:
    heading: str
    question: str    # markdown without the solution block
    answer: str      # the expected answer (markdown), "" when the notebook has none


@dataclass
class Figure:
    path: Path
    alt: str
    caption: str


@dataclass
class Sheet:
    language: str
    chapter: int
    stem: str        # "01-language-model"
    title: str
    tasks: list[Task]
    reflections: list[Reflection]
    figure: Figure | None


def _sections(nb) -> tuple[str, list[tuple[str, list]]]:
    """The notebook's title and its `##` sections as (heading, cells); a heading cell's text after it stays in."""
    title, sections = "", []
    for cell in nb.cells:
        first, _, rest = cell.source.partition("\n")
        match = _HEADING.match(first) if cell.cell_type == "markdown" else None
        if match and len(match.group(1)) == 1 and not title:
            title = match.group(2).strip()
            continue
        if match and len(match.group(1)) == 2:
            sections.append((match.group(2).strip(), [{"cell_type": "markdown", "source": rest}]))
        elif sections:
            sections[-1][1].append(cell)
    return title, sections


def _shown(template: str) -> str:
    """A message as printed without its values: each placeholder an ellipsis, doubled braces single."""
    return re.sub(r"(?<!\{)\{[a-z_0-9]*\}(?!\})", "…", template).replace("{{", "{").replace("}}", "}")


def _mistakes(name: str, language: str, hint_keys: list[str]) -> list[str]:
    """The self-check's messages for wrong answers to this task (all its messages but the hints)."""
    return [_shown(text) for key, text in i18n.catalogue(language).items()
            if key.startswith(name + ".") and key not in hint_keys]


def read_sheet(path: Path, language: str) -> Sheet:
    """Tasks, reflection questions and key figure of one solution notebook (solutions/<lang>/NN-*.ipynb)."""
    nb = read(path)
    chapter = int(path.name.split("-", 1)[0])
    module = importlib.import_module(f"werkstatt.exercises.ch{chapter:02d}")
    solutions = task_solutions(nb, f"ch{chapter:02d}", path.relative_to(ROOT).as_posix())
    title, sections = _sections(nb)
    tasks, reflections, after_tasks = [], [], False
    for heading, cells in sections:
        checks = [(i, m.group(1)) for i, c in enumerate(cells) if c["cell_type"] == "code"
                  for m in [_CHECK.search(c["source"])] if m]
        if checks:
            index, q = checks[0]
            name = f"ch{chapter:02d}.{q}"
            task = getattr(module, q)
            prompt = "\n\n".join(_MD_SOLUTION.sub("\n\n", c["source"]).strip() for c in cells[:index]
                                 if c["cell_type"] == "markdown" and c["source"].strip())
            hint_keys = task.hint_keys()
            reference = solutions.get(name, {})
            tasks.append(Task(name, heading, task.level, prompt,
                              stub_code(cells[index]["source"], language).strip() if task.level != "base" else "",
                              reference.get("code", ""), reference.get("answer", ""),
                              _mistakes(name, language, hint_keys),
                              [_shown(i18n.catalogue(language)[key]) for key in hint_keys]))
            reflections, after_tasks = [], True  # only the sections after the last task are reflection
        elif after_tasks:
            text = "\n\n".join(c["source"] for c in cells if c["cell_type"] == "markdown").strip()
            answers = _MD_SOLUTION.findall(text)
            reflections.append(Reflection(heading, _MD_SOLUTION.sub("\n\n", text).strip(), "\n\n".join(answers)))
    return Sheet(language, chapter, path.stem, title, tasks, reflections, key_figure(language, path.stem))


def key_figure(language: str, stem: str) -> Figure | None:
    """The first figure of the chapter's book page, with its alt text and caption; None if the page has none."""
    page = ROOT / "book" / language / f"{stem}.md"
    match = _FIGURE.search(page.read_text(encoding="utf-8")) if page.exists() else None
    if not match:
        return None
    options = dict(re.findall(r"^:(\w+):\s*(.*)$", match.group(2), re.M))
    caption = "\n".join(line for line in match.group(2).splitlines() if not line.startswith(":")).strip()
    return Figure(page.parent / match.group(1), options.get("alt", ""), caption)


def sheets(language: str) -> list[Sheet]:
    return [read_sheet(path, language) for path in notebooks("solutions", language)
            if int(path.name.split("-", 1)[0]) in CHAPTERS]


# --- HTML ------------------------------------------------------------------------------------------------------

def _math(content: str, options: dict) -> str:
    opening, closing = (r"\[", r"\]") if options.get("display_mode") else (r"\(", r"\)")
    return f'<span class="math">{opening}{html.escape(content)}{closing}</span>'


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").use(
    dollarmath_plugin, renderer=_math, allow_space=True, allow_digits=True)


def markdown(text: str) -> str:
    return _MARKDOWN.render(text)


def inline(text: str) -> str:
    """One line of markdown (a hint, a caption) without a paragraph around it."""
    return _MARKDOWN.renderInline(text)


def render(sheet: Sheet, kind: str) -> str:
    """The HTML of the pupil's worksheet (kind "worksheet") or the teacher's answer key (kind "answer-key")."""
    language = sheet.language

    def t(key: str, **values) -> str:
        return i18n.text(key, language, **values)

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True)
    environment.filters["markdown"] = lambda text: jinja2.filters.Markup(markdown(text))
    environment.filters["inline"] = lambda text: jinja2.filters.Markup(inline(text))
    notebook = f"exercises/{language}/{sheet.stem}.ipynb"
    return environment.get_template(TEMPLATE.name).render(
        sheet=sheet, kind=kind, key=(kind == "answer-key"), mathjax=MATHJAX.as_uri(),
        heading=t("worksheet.key_title" if kind == "answer-key" else "worksheet.pupil_title", chapter=sheet.chapter),
        intro=t("worksheet.key_intro" if kind == "answer-key" else "worksheet.pupil_intro", notebook=notebook,
                solutions=f"solutions/{language}/{sheet.stem}.ipynb"),
        level={task.name: t(LEVEL_KEYS[task.level]) for task in sheet.tasks},
        labels={key: t(f"worksheet.{key}") for key in (
            "name", "date", "your_answer", "solution", "written_answer", "mistakes", "hints",
            "no_model_answer", "figure")},
    )


def footer(sheet: Sheet, kind: str) -> str:
    """Chromium's page footer: the chapter, the kind of sheet and 'page n of m' (Chromium fills in the numbers)."""
    label = i18n.text("worksheet.key_title" if kind == "answer-key" else "worksheet.pupil_title", sheet.language,
                      chapter=sheet.chapter)
    page = i18n.text("worksheet.page", sheet.language, page='<span class="pageNumber"></span>',
                     pages='<span class="totalPages"></span>')
    return (f'<div style="font-size:8pt;font-family:sans-serif;width:100%;margin:0 15mm;display:flex;'
            f'justify-content:space-between;color:#555"><span>KI-Werkstatt · {html.escape(label)} · CC BY 4.0</span>'
            f"<span>{page}</span></div>")


# --- PDF -------------------------------------------------------------------------------------------------------

def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    raise SystemExit(i18n.msg("worksheet.no_chromium"))


def write_pdfs(languages: list[str], out: Path) -> list[Path]:
    """Print every sheet of the given editions into out/<lang>/; returns the PDFs written."""
    from playwright.sync_api import sync_playwright

    if not MATHJAX.exists():
        raise SystemExit(i18n.msg("worksheet.no_mathjax"))
    written = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        for language in languages:
            target = out / language
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            listing = []
            for sheet in sheets(language):
                for kind in ("worksheet", "answer-key"):
                    source = Path(scratch) / f"{language}-{sheet.stem}-{kind}.html"
                    source.write_text(render(sheet, kind), encoding="utf-8")
                    page.goto(source.as_uri())
                    # MathJax typesets after the page has loaded; print only when it is done, and never raw TeX.
                    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                    page.evaluate("() => MathJax.startup.promise")
                    errors = page.evaluate("() => document.querySelectorAll('mjx-merror, [data-mjx-error]').length")
                    if errors:
                        raise SystemExit(f"{source.name}: {errors} formula(s) MathJax could not typeset")
                    pdf = target / f"{sheet.stem}-{kind}.pdf"
                    page.pdf(path=str(pdf), format="A4", print_background=True, display_header_footer=True,
                             header_template="<span></span>", footer_template=footer(sheet, kind),
                             margin={"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
                    written.append(pdf)
                listing.append(sheet)
            (target / "index.html").write_text(index_page(language, listing), encoding="utf-8")
        browser.close()
    return written


def index_page(language: str, listing: list[Sheet]) -> str:
    """A page that links every PDF of one edition (the teachers' page links here)."""
    def t(key: str, **values) -> str:
        return html.escape(i18n.text(key, language, **values))

    rows = "\n".join(
        f'<li>{html.escape(sheet.title)}: <a href="{sheet.stem}-worksheet.pdf">{t("worksheet.pupil_title", chapter=sheet.chapter)} (PDF)</a>'
        f' · <a href="{sheet.stem}-answer-key.pdf">{t("worksheet.key_title", chapter=sheet.chapter)} (PDF)</a></li>'
        for sheet in listing)
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{t("worksheet.index_title")}</title></head>\n'
            f'<body style="font-family:sans-serif;max-width:48em;margin:3em auto;line-height:1.5"><main>\n'
            f'<h1>{t("worksheet.index_title")}</h1>\n<p>{t("worksheet.index_intro")}</p>\n<ul>\n{rows}\n</ul>\n'
            f'</main></body></html>\n')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--language", choices=LANGUAGES, help="only one edition")
    parser.add_argument("--out", default=str(OUT), help="output folder (default: _build/worksheets)")
    args = parser.parse_args()
    out = (ROOT / args.out).resolve()
    written = write_pdfs([args.language] if args.language else list(LANGUAGES), out)
    print(f"{len(written)} PDFs -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
