"""Serve the book's JavaScript from the build itself, so that it works without internet.

Jupyter Book 1.x loads three things from CDNs by default: require.js and the Jupyter widget
manager (for saved widget state, via myst-nb's `nb_ipywidgets_js`) and MathJax (Sphinx's
`mathjax_path`). A school network that blocks CDNs, or a laptop offline, would then show raw
LaTeX and dead widgets. This extension points both settings at `_static/vendor/...` and copies
the files there from `tools/browser/node_modules` (pinned in tools/browser/package-lock.json,
installed by `make setup` with `npm ci`).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tools" / "browser" / "node_modules"
VENDOR = "vendor"  # inside the build's _static folder

SETUP_JS = f"{VENDOR}/widgets-setup.js"  # ours: where the manager's fonts are, names for sliders
REQUIRE_JS = f"{VENDOR}/require.js"
WIDGETS_JS = f"{VENDOR}/html-manager/embed-amd.js"
MATHJAX_JS = f"{VENDOR}/mathjax/tex-mml-chtml.js"

# What is copied: (source under node_modules, target under _static/vendor, patterns to leave out).
# MathJax loads fonts, TeX extensions and its accessibility menu lazily from its own folder, so its
# parts come along; the other combined bundles and the SVG output are not used. Licences: require.js
# (MIT) and the widget manager (BSD-3-Clause) carry theirs in the file headers, MathJax (Apache-2.0)
# in its LICENSE; html-manager/embed.js.LICENSE.txt lists the bundled packages' licences.
ASSETS = [
    ("../../../book/_ext/widgets-setup.js", "widgets-setup.js", ()),
    ("requirejs/require.js", "require.js", ()),
    ("@jupyter-widgets/html-manager/dist", "html-manager", ("*.map", "libembed-amd.js", "embed.js")),
    ("mathjax/es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js", ()),
    ("mathjax/LICENSE", "mathjax/LICENSE", ()),
    *((f"mathjax/es5/{part}", f"mathjax/{part}", ()) for part in
      ("a11y", "adaptors", "input", "output/chtml", "sre", "ui")),
]


def missing_assets() -> list[str]:
    return [source for source, _, _ in ASSETS if not (NODE_MODULES / source).exists()]


def _configure(app, config) -> None:
    if missing_assets():
        raise ExtensionError(
            "The book's offline JavaScript is not installed (tools/browser/node_modules is missing "
            "or incomplete). Run `make setup`, or `npm ci --prefix tools/browser`.")
    config.mathjax_path = MATHJAX_JS
    # Keys are paths under _static; the empty options drop myst-nb's CDN attributes (integrity,
    # crossorigin, data-jupyter-widgets-cdn). The widget manager bundles the standard widgets
    # (ipywidgets' controls and output, which tqdm also uses), so it needs no CDN for them.
    config.nb_ipywidgets_js = {SETUP_JS: {}, REQUIRE_JS: {}, WIDGETS_JS: {}}


def _copy_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / VENDOR
    for source, destination, ignore in ASSETS:
        source_path, destination_path = NODE_MODULES / source, target / destination
        destination_path.parent.mkdir(parents=True, exist_ok=True)
        if source_path.is_dir():
            shutil.copytree(source_path, destination_path, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(*ignore))
        else:
            shutil.copy2(source_path, destination_path)


def setup(app):
    # Priority 900: after myst-nb and sphinx.ext.mathjax have registered their defaults.
    app.connect("config-inited", _configure, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
