"""The in-page explorers: the course's models run in the reader's browser, with no kernel and no network.

A page asks for one with a MyST directive, next to the text that explains it:

    ```{explorer} bigram
    ```

`bigram` (chapter 1: next-character probabilities, temperature, a sampled continuation), `attention`
(chapter 3: every head's attention weights of the tiny GPT as heat maps) or `gpt` (chapter 4: the tiny
GPT's next character beside the bigram model's, and its continuation). The directive writes an empty
<div> with the edition's words (from werkstatt/locale, keys `live.*`) in data attributes;
book/_static/werkstatt-explorer.js draws the controls and asks onnxruntime-web for the numbers.

At the end of the build this extension exports the models (scripts/export_explorers.py, cached in
_build/explorers) into _static/explorers/<language>/ and copies onnxruntime-web from
tools/browser/node_modules into _static/vendor/onnxruntime-web/: its smallest browser build
(ort.wasm.min.js, WebAssembly only) and its one WebAssembly file, gzipped (14 MB → 3.7 MB; the page
unpacks it with the browser's DecompressionStream), so that the book stays small.
"""
from __future__ import annotations

import gzip
import html
import importlib.util
import json
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

ROOT = Path(__file__).resolve().parents[2]
ORT = ROOT / "tools" / "browser" / "node_modules" / "onnxruntime-web"
# Its licence (MIT) is in the header of ort.wasm.min.js; the npm package has no LICENSE file.
ORT_FILES = ("dist/ort.wasm.min.js", "dist/ort-wasm-simd-threaded.mjs")
ORT_WASM = "dist/ort-wasm-simd-threaded.wasm"
KINDS = ("bigram", "attention", "gpt")
SCRIPT = "werkstatt-explorer.js"
STYLE = "werkstatt-explorer.css"
# The words the widget shows; the page gets them in its edition's language.
MESSAGES = (
    "live.bigram.title", "live.attention.title", "live.gpt.title",
    "live.start", "live.sentence", "live.temperature", "live.sample", "live.continuation",
    "live.next_chars", "live.model_gpt", "live.model_bigram", "live.loading",
    "live.failed", "live.unknown", "live.too_long", "live.layer", "live.head",
    "live.head_summary", "live.space", "live.newline", "live.rows", "live.columns",
    "live.noscript", "live.empty",
)


def _messages(language: str) -> dict[str, str]:
    from werkstatt import i18n

    mine, english = i18n.catalogue(language), i18n.catalogue("en")
    return {key.removeprefix("live."): mine.get(key) or english[key] for key in MESSAGES}


class ExplorerDirective(Directive):
    required_arguments = 1
    option_spec = {"start": directives.unchanged}

    def run(self):
        kind = self.arguments[0]
        if kind not in KINDS:
            raise self.error(f"explorer: unknown kind {kind!r}; one of {', '.join(KINDS)}")
        env = self.state.document.settings.env
        language = env.config.language or "en"
        env.werkstatt_explorer_pages = getattr(env, "werkstatt_explorer_pages", set()) | {env.docname}
        words = _messages(language)
        start = self.options.get("start", "")
        markup = (
            f'<div class="werkstatt-explorer" data-kind="{kind}" data-language="{html.escape(language)}" '
            f'data-start="{html.escape(start)}" data-words="{html.escape(json.dumps(words, ensure_ascii=False))}">'
            f'<p class="werkstatt-explorer-noscript">{html.escape(words["noscript"])}</p></div>')
        return [nodes.raw("", markup, format="html")]


def _page_script(app, pagename, templatename, context, doctree) -> None:
    # Only the pages with an explorer load the script (and, through it, onnxruntime-web).
    if pagename in getattr(app.env, "werkstatt_explorer_pages", set()):
        app.add_js_file(SCRIPT, loading_method="defer")
        app.add_css_file(STYLE)


def _merge(app, env, docnames, other) -> None:
    env.werkstatt_explorer_pages = (getattr(env, "werkstatt_explorer_pages", set())
                                    | getattr(other, "werkstatt_explorer_pages", set()))


def _purge(app, env, docname) -> None:
    getattr(env, "werkstatt_explorer_pages", set()).discard(docname)


def _export_models(language: str) -> Path:
    spec = importlib.util.spec_from_file_location("export_explorers", ROOT / "scripts" / "export_explorers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.export(language)


def _copy_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    language = app.config.language or "en"
    models = static / "explorers" / language
    models.mkdir(parents=True, exist_ok=True)
    for path in _export_models(language).iterdir():
        shutil.copy2(path, models / path.name)
    vendor = static / "vendor" / "onnxruntime-web"
    vendor.mkdir(parents=True, exist_ok=True)
    for name in ORT_FILES:
        shutil.copy2(ORT / name, vendor / Path(name).name)
    packed = ROOT / "_build" / "explorers" / (Path(ORT_WASM).name + ".gz")
    source = ORT / ORT_WASM
    if not packed.exists() or packed.stat().st_mtime < source.stat().st_mtime:
        packed.parent.mkdir(parents=True, exist_ok=True)
        # mtime=0: the same wasm gives the same bytes, build after build.
        with open(source, "rb") as raw, gzip.GzipFile(packed, "wb", compresslevel=9, mtime=0) as out:
            shutil.copyfileobj(raw, out)
    shutil.copy2(packed, vendor / packed.name)


def setup(app):
    app.add_directive("explorer", ExplorerDirective)
    app.connect("html-page-context", _page_script)
    app.connect("env-merge-info", _merge)
    app.connect("env-purge-doc", _purge)
    app.connect("build-finished", _copy_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
