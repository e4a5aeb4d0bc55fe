"""Chapter 9: how open and how transparent is a model? The gradient of release and FMTI-style questions.

The Foundation Model Transparency Index (FMTI; Bommasani et al. 2023, arXiv:2310.12941; 2024 edition
arXiv:2407.12929; third edition December 2025) asks 100 yes/no questions (indicators) about a model developer.
The 2023 and 2024 editions sort them into 3 domains and 23 subdomains; the 2025 edition reworked the indicators
and regrouped them. Here a learner answers 14 questions of our own in the same style, so that they can score
their own tiny GPT and SmolLM2 by hand and by program. The questions are sorted into 13 *areas*: a
simplification of ours that borrows its names from FMTI subdomains (AREAS says which), not FMTI's own grouping,
and a score here is not comparable with an FMTI score. A score says what is *disclosed*, not whether the model
is good. FMTI_TOTALS holds the index's own published totals, for the book's figures.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import WerkstattError
from .i18n import get_language, msg, num
from .i18n import text as message

# --- the gradient of release (Solaiman 2023, arXiv:2302.04844, simplified to four steps) ---------------

GRADIENT = ("internal", "api", "weights", "open")


def gradient_step(artifacts: dict[str, str], api: bool = False) -> str:
    """The step on the gradient, from the five artifacts' status ("open" / "partly" / "closed").

    Fully open: weights, training code and training data are open. Weights: the weights can be
    downloaded (also under a restrictive licence). API: only answers are available. Else: internal.
    """
    def is_open(key: str) -> bool:
        return artifacts.get(key) == "open"

    if is_open("weights") and is_open("training_code") and is_open("training_data"):
        return "open"
    if artifacts.get("weights") in ("open", "partly"):
        return "weights"
    return "api" if api else "internal"


def registry_step(name: str) -> str:
    """The gradient step of a model in werkstatt.models' registry."""
    from .models import info

    entry = info(name)
    return gradient_step({key: a.status for key, a in entry.artifacts.items()}, api=entry.kind == "api")


def check_step(value: str) -> str:
    """Return `value` if it is a step of the gradient; else raise a WerkstattError that lists the steps."""
    if value not in GRADIENT:
        raise WerkstattError("gradient.unknown_step", value=value, allowed=", ".join(GRADIENT))
    return value


def plot_gradient(placed: dict[str, str], title: str | None = None):
    """A figure: the four steps from left to right, each model as a labelled point on its step."""
    import textwrap

    import matplotlib.pyplot as plt

    from .plots import OKABE_ITO

    fig, ax = plt.subplots(figsize=(10, 4.2))
    for x, step in enumerate(GRADIENT):
        ax.axvspan(x - 0.45, x + 0.45, color=OKABE_ITO[5], alpha=0.08 + 0.07 * x)
        ax.text(x, -0.6, textwrap.fill(msg(f"gradient.check.{step}"), 22), ha="center", va="top", fontsize=9)
    heights: dict[str, int] = {}
    for name, step in placed.items():
        x = GRADIENT.index(check_step(step))
        y = heights.get(step, 0)
        heights[step] = y + 1
        ax.plot(x, y, "o", color=OKABE_ITO[0], markersize=9)
        ax.annotate(name, (x, y), xytext=(8, -3), textcoords="offset points", fontsize=9)
    ax.set_xticks(range(len(GRADIENT)), [textwrap.fill(msg(f"gradient.{s}"), 16) for s in GRADIENT])
    ax.set_xlim(-0.5, len(GRADIENT) - 0.5)
    ax.set_ylim(-1.5, max(heights.values(), default=1) + 0.2)
    ax.set_yticks([])
    ax.set_xlabel(msg("gradient.xlabel"))
    ax.set_ylabel(msg("gradient.ylabel"))
    ax.set_title(title or msg("gradient.title"))
    return fig


# --- FMTI-style indicators --------------------------------------------------------------------------

# The 23 subdomains of the FMTI's 2023 and 2024 editions, as named in its indicator list
# (github.com/stanford-crfm/fmti, fmti-indicators.csv; checked 2026-12-06).
FMTI_SUBDOMAINS = (
    "Data", "Data labor", "Data access", "Compute", "Methods", "Data Mitigations",
    "Model basics", "Model access", "Capabilities", "Limitations", "Risks", "Model Mitigations",
    "Trustworthiness", "Inference",
    "Distribution", "Usage policy", "Model behavior policy", "User Interface", "User data protection",
    "Model Updates", "Feedback", "Impact", "Documentation for Deployers",
)

# Our 13 areas: each with its FMTI domain and the FMTI subdomain(s) it borrows from. A simplification: the other
# FMTI subdomains have no area here, and our 14 questions are not FMTI's 100 indicators.
AREAS = {
    "data": ("upstream", ("Data", "Data access")), "labour": ("upstream", ("Data labor",)),
    "compute": ("upstream", ("Compute",)), "methods": ("upstream", ("Methods",)),
    "model_basics": ("model", ("Model basics",)), "model_access": ("model", ("Model access",)),
    "capabilities": ("model", ("Capabilities",)), "risks": ("model", ("Limitations", "Risks")),
    "mitigations": ("model", ("Model Mitigations",)), "distribution": ("downstream", ("Distribution",)),
    "usage_policy": ("downstream", ("Usage policy",)), "feedback": ("downstream", ("Feedback",)),
    "impact": ("downstream", ("Impact",)),
}
SUBDOMAINS = {area: domain for area, (domain, _) in AREAS.items()}  # the older name, kept for existing code

# The FMTI's published total scores (0-100) per developer and edition, from the score tables in
# github.com/stanford-crfm/fmti (October2023/, May2024/, Dec2025/; data CC BY; checked 2026-12-06).
# The 2025 edition changed the indicators, so its totals compare only roughly with the earlier ones.
FMTI_TOTALS = {
    "2023-10": {"Meta": 54, "Hugging Face": 53, "OpenAI": 48, "Stability AI": 47, "Google": 40, "Anthropic": 36,
                "Cohere": 34, "AI21 Labs": 25, "Inflection": 21, "Amazon": 12},
    "2024-05": {"BigCode": 85, "AI21 Labs": 75, "Aleph Alpha": 75, "IBM": 64, "Microsoft": 62, "Meta": 60,
                "Stability AI": 58, "Writer": 56, "Mistral": 55, "Anthropic": 51, "OpenAI": 49, "Google": 47,
                "Amazon": 41, "Adept": 33},
    "2025-12": {"IBM": 95, "Writer": 72, "AI21 Labs": 66, "Anthropic": 46, "Google": 41, "Amazon": 39,
                "OpenAI": 35, "DeepSeek": 32, "Meta": 31, "Alibaba": 26, "Mistral": 18, "Midjourney": 14,
                "xAI": 14},
}


def fmti_summary(edition: str) -> dict[str, object]:
    """Developers, average, highest and lowest total of one FMTI edition ("2023-10", "2024-05", "2025-12")."""
    totals = FMTI_TOTALS[edition]
    best, worst = max(totals.values()), min(totals.values())
    return {"developers": len(totals), "average": sum(totals.values()) / len(totals),
            "highest": best, "highest_by": sorted(name for name, value in totals.items() if value == best),
            "lowest": worst, "lowest_by": sorted(name for name, value in totals.items() if value == worst)}


@dataclass(frozen=True)
class Indicator:
    """One yes/no question in one of our AREAS; its wording is the message "fmti.question.<key>"."""

    key: str
    area: str

    @property
    def subdomain(self) -> str:
        """The older name of `area` (our grouping, not an FMTI subdomain)."""
        return self.area

    def text(self, language: str | None = None) -> str:
        return message(f"fmti.question.{self.key}", language)


INDICATORS: tuple[Indicator, ...] = tuple(Indicator(key, area) for key, area in (
    ("data_sources", "data"), ("data_size", "data"), ("data_labour", "labour"),
    ("compute_hardware", "compute"), ("compute_time", "compute"), ("training_code", "methods"),
    ("model_size", "model_basics"), ("licence", "model_basics"), ("weights_download", "model_access"),
    ("evaluation", "capabilities"), ("limitations", "risks"), ("intended_use", "usage_policy"),
    ("feedback_channel", "feedback"), ("usage_reported", "impact"),
))
INDICATOR_KEYS = tuple(ind.key for ind in INDICATORS)
BY_KEY = {ind.key: ind for ind in INDICATORS}

# SmolLM2-135M-Instruct, scored from its own model card (huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct)
# and paper (arXiv:2502.02737). The evidence says where each answer comes from; check it online yourself.
SMOLLM2_DISCLOSED = {
    "data_sources": True, "data_size": True, "data_labour": False, "compute_hardware": True, "compute_time": False,
    "training_code": True, "model_size": True, "licence": True, "weights_download": True, "evaluation": True,
    "limitations": True, "intended_use": False, "feedback_channel": True, "usage_reported": False,
}


def smollm2_evidence() -> dict[str, tuple[bool, str]]:
    """SmolLM2's marks with the evidence for each (message "fmti.evidence.smollm2.<indicator>")."""
    return {key: (yes, msg(f"fmti.evidence.smollm2.{key}")) for key, yes in SMOLLM2_DISCLOSED.items()}


def validate(marks: dict) -> dict[str, bool]:
    """Check a learner's marks {indicator: True/False}; unknown keys or non-bool values get a message."""
    for key, value in marks.items():
        if key not in BY_KEY:
            raise WerkstattError("fmti.unknown_indicator", name=key, known=", ".join(INDICATOR_KEYS))
        if not isinstance(value, bool):
            raise WerkstattError("fmti.not_yes_no", name=key, value=value)
    return dict(marks)


def score(marks: dict[str, bool]) -> float:
    """Percentage of all indicators disclosed (an indicator that is not marked counts as not disclosed)."""
    marks = validate(marks)
    return 100 * sum(bool(marks.get(key, False)) for key in INDICATOR_KEYS) / len(INDICATOR_KEYS)


def score_by_area(marks: dict[str, bool]) -> dict[str, float]:
    """Percentage disclosed per area (see AREAS) that has at least one question here."""
    marks = validate(marks)
    result: dict[str, list[bool]] = {}
    for ind in INDICATORS:
        result.setdefault(ind.area, []).append(bool(marks.get(ind.key, False)))
    return {area: 100 * sum(values) / len(values) for area, values in result.items()}


score_by_subdomain = score_by_area  # the older name, kept for existing code


def smollm2_marks() -> dict[str, bool]:
    """SmolLM2's marks, from the evidence above."""
    return dict(SMOLLM2_DISCLOSED)


def release_evidence(folder: str | Path) -> dict[str, tuple[bool, str]]:
    """Score a release folder from chapter 4 (werkstatt.release) by reading its files: what is written down?"""
    folder = Path(folder)
    meta_path = folder / "training_metadata.json"
    if not meta_path.is_file():
        raise WerkstattError("fmti.no_release", folder=str(folder))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    card = (folder / "README.md").read_text(encoding="utf-8") if (folder / "README.md").is_file() else ""
    data = meta.get("data", {})
    hardware = meta.get("hardware", {})
    lower = card.lower()

    def has(*words: str) -> bool:
        return any(word in lower for word in words)

    return {
        "data_sources": (bool(data.get("source")), f"data.json: {data.get('source', '–')}"),
        "data_size": ("characters" in data.get("train", {}),
                      msg("fmti.evidence.characters", count=_number(data.get("train", {}).get("characters")))),
        "data_labour": (has("annotat", "bezahlt", "paid", "labour", "crowd"), "README.md"),
        "compute_hardware": (bool(hardware), msg("fmti.evidence.hardware", cpus=hardware.get("cpu_count", "?"),
                                                 gpu=hardware.get("gpu") or "–")),
        "compute_time": ("time_seconds" in meta, f"{meta.get('time_seconds', '–')} s"),
        "training_code": ((folder / "training_code").is_dir() and any((folder / "training_code").iterdir()),
                          "training_code/"),
        "model_size": ("parameters" in meta, msg("fmti.evidence.parameters", count=_number(meta.get("parameters")))),
        "licence": (card.startswith("---") and "license:" in card.split("---")[1], "README.md front matter"),
        "weights_download": ((folder / "model.safetensors").is_file(), "model.safetensors"),
        "evaluation": ((folder / "data" / "test.txt").is_file() and meta.get("final_val_loss") is not None,
                       msg("fmti.evidence.test_loss", loss=_number(meta.get("final_val_loss"), 3))),
        "limitations": (has("grenzen", "limits", "limitations", "risiken", "risks"), "README.md"),
        "intended_use": (has("verwendungszweck", "intended use", "gedacht"), "README.md"),
        "feedback_channel": (has("issue", "kontakt", "contact", "melden", "report"), "README.md"),
        "usage_reported": (has("genutzt von", "used by", "downloads"), "README.md"),
    }


def _number(value: object, digits: int = 0) -> str:
    """A figure from a release's files, written the edition's way; "–" where the file lacks it."""
    return num(value, digits) if isinstance(value, (int, float)) else "–"


def marks_from(evidence: dict[str, tuple[bool, str]]) -> dict[str, bool]:
    """Only the yes/no part of an evidence table."""
    return {key: yes for key, (yes, _) in evidence.items()}


def indicator_table(columns: dict[str, dict[str, bool]], language: str | None = None):
    """A pandas table: one row per question (with its area), one column per model, ✅ or ❌."""
    import pandas as pd

    language = language or get_language()
    rows = []
    for ind in INDICATORS:
        row = {"#": ind.key, msg("fmti.ylabel"): msg(f"fmti.{ind.area}"), "?": ind.text(language)}
        for name, marks in columns.items():
            row[name] = "✅" if marks.get(ind.key) else "❌"
        rows.append(row)
    return pd.DataFrame(rows).set_index("#")


def plot_scores(columns: dict[str, dict[str, bool]]):
    """Horizontal bars: percentage disclosed per area, one bar per model, hatched so colour is not needed."""
    import matplotlib.pyplot as plt
    import numpy as np

    areas = [a for a in AREAS if any(ind.area == a for ind in INDICATORS)]
    fig, ax = plt.subplots(figsize=(8, 5))
    height = 0.8 / max(len(columns), 1)
    hatches = ["", "//", "..", "xx"]
    for number, (name, marks) in enumerate(columns.items()):
        values = score_by_area(marks)
        y = np.arange(len(areas)) + number * height
        ax.barh(y, [values[a] for a in areas], height=height, hatch=hatches[number % 4],
                label=f"{name}: {score(marks):.0f} %", edgecolor="black", linewidth=0.5)
    ax.set_yticks(np.arange(len(areas)) + height * (len(columns) - 1) / 2,
                  [msg(f"fmti.{a}") for a in areas])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(msg("fmti.xlabel"))
    ax.set_ylabel(msg("fmti.ylabel"))
    ax.set_title(msg("fmti.title"))
    ax.legend(loc="lower right")
    return fig


# --- your own model: find or make a release, then complete its model card and data statement -------


# Bender & Friedman (2018), "Data Statements for NLP", TACL 6: the long form's sections A–H (without G,
# recording quality, which is about speech recordings).
DATA_STATEMENT_FIELDS = ("curation_rationale", "language_variety", "speaker_demographic", "annotator_demographic",
                         "speech_situation", "text_characteristics", "other")
# Mitchell et al. (2019), "Model Cards for Model Reporting", FAT* '19: the sections the release's card lacks.
CARD_FIELDS = ("factors", "ethical_considerations", "caveats_and_recommendations", "feedback")


def repository_root() -> Path:
    """The course folder (where releases/ lives)."""
    return Path(__file__).resolve().parents[1]


def release_folders() -> list[Path]:
    """Where releases live: `releases/` beside the notebook (as chapter 4 writes it), then in the course folder."""
    return [Path.cwd() / "releases", repository_root() / "releases"]


def find_release(root: str | Path | None = None) -> Path | None:
    """The newest release folder from chapter 4 (one that has training_metadata.json), or None."""
    bases = [Path(root)] if root is not None else release_folders()
    candidates = [p for base in bases if base.is_dir() for p in base.iterdir()
                  if (p / "training_metadata.json").is_file() and not p.name.startswith("ch09-")]
    return max(candidates, key=lambda p: (p / "training_metadata.json").stat().st_mtime) if candidates else None


def own_release(language: str, steps: int, root: str | Path | None = None, use_existing: bool = True) -> Path:
    """Your release from chapter 4 if there is one (and use_existing); otherwise train a tiny GPT now and release it."""
    found = find_release(root) if use_existing else None
    if found is not None:
        print(msg("release9.found", folder=found.name))
        return found
    from .data import speeches_text, split_text
    from .gpt import GPTConfig
    from .release import write_release
    from .train import TrainConfig, train_on_text

    folder = (Path(root) if root is not None else Path.cwd() / "releases") / f"ch09-tiny-gpt-{language}"
    print(msg("release9.training", steps=steps, folder=folder.name))
    text = speeches_text(language)[:200_000]
    config = TrainConfig(steps=steps, batch_size=16, eval_every=max(steps // 2, 1), eval_batches=4, warmup=min(20, steps))
    train_text, test_text = split_text(text, 0.9)  # the one split: the model never trains on test_text
    model, tokenizer, history = train_on_text(train_text, GPTConfig(n_layer=1, n_head=2, n_embd=32), config,
                                              val_text=test_text, plot=False)
    source = message("release9.source", language)
    return write_release(folder, model, tokenizer, train_text=train_text, test_text=test_text, history=history,
                         train_config=config, source=source, bias_note=True, quiet=True)


def template(release: str | Path | None = None) -> dict[str, str]:
    """Empty fields ("…") for the data statement and the card additions; prefilled where the release says it."""
    fields = {key: "…" for key in DATA_STATEMENT_FIELDS + CARD_FIELDS}
    if release is not None:
        meta = json.loads((Path(release) / "training_metadata.json").read_text(encoding="utf-8"))
        data = meta.get("data", {})
        fields["curation_rationale"] = f"{data.get('source', '…')} – …"
        fields["other"] = f"{data.get('licence', '…')}; SHA-256 train {data.get('train', {}).get('sha256', '?')[:12]}… – …"
    return fields


def unfinished(fields: dict[str, str]) -> list[str]:
    """The fields still empty or still containing the placeholder "…" (unknown field names get a message)."""
    known = DATA_STATEMENT_FIELDS + CARD_FIELDS
    for key in fields:
        if key not in known:
            raise WerkstattError("card.unknown_field", field=key, known=", ".join(known))
    return [key for key in known if not str(fields.get(key, "")).strip() or "…" in str(fields.get(key, ""))]


def write_documents(release: str | Path, fields: dict[str, str]) -> list[Path]:
    """Write DATA_STATEMENT.md and append the card additions to README.md; refuses unfinished fields."""
    missing = unfinished(fields)
    if missing:
        raise WerkstattError("card.empty_field", field=msg(("ds." if missing[0] in DATA_STATEMENT_FIELDS else "mc.")
                                                          + missing[0]))
    release = Path(release)
    statement = [f"# {msg('ds.title')}", ""]
    statement += [f"## {msg('ds.' + key)}\n\n{fields[key].strip()}\n" for key in DATA_STATEMENT_FIELDS]
    statement.append("Format: Bender & Friedman (2018), Data Statements for NLP, TACL 6.")
    (release / "DATA_STATEMENT.md").write_text("\n".join(statement) + "\n", encoding="utf-8")
    card_path = release / "README.md"
    card = (card_path.read_text(encoding="utf-8") if card_path.is_file() else "").split(f"\n## {msg('mc.title')}")[0].rstrip()
    additions = [f"## {msg('mc.title')}", ""]
    additions += [f"### {msg('mc.' + key)}\n\n{fields[key].strip()}\n" for key in CARD_FIELDS]
    additions.append(f"{msg('ds.title')}: DATA_STATEMENT.md")
    card_path.write_text(card + "\n\n" + "\n".join(additions) + "\n", encoding="utf-8")
    print(msg("card.written", files="DATA_STATEMENT.md, README.md"))
    return [release / "DATA_STATEMENT.md", card_path]


# --- an explorer for the gradient: what each step means for research, risk management and audits ---------

ASPECTS = ("research", "risk", "audit")


def explain_step(step: str) -> str:
    """Three lines: what a step of the gradient means for research, risk management and audits."""
    check_step(step)
    return "\n".join(f"{msg('explorer.' + aspect)}: {msg(f'explorer.{step}.{aspect}')}" for aspect in ASPECTS)


def gradient_explorer():
    """A slider over the four steps; below it, what the chosen step means (ipywidgets)."""
    import html

    import ipywidgets as widgets

    slider = widgets.SelectionSlider(options=[(msg(f"gradient.{s}"), s) for s in GRADIENT], value="api",
                                     description=msg("explorer.label"), continuous_update=False,
                                     layout=widgets.Layout(width="90%"), style={"description_width": "initial"})
    text = widgets.HTML()

    def update(change=None):
        lines = explain_step(slider.value).split("\n")
        text.value = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"

    slider.observe(update, names="value")
    update()
    return widgets.VBox([slider, text])
