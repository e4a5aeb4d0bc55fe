"""Widgets in the static book say that they need a running notebook instead of pretending to react.

A notebook page keeps the last state of its widgets (myst-nb saves it) and the widget manager draws
them from it: the slider moves, the chart under it does not. Without a kernel nothing can recompute,
so this extension
1. switches off every control in that saved state (the widget model's own `disabled` flag: sliders,
   menus, buttons, upload fields): the reader sees the saved picture and a greyed-out control, and a
   screen reader says "dimmed" instead of offering a slider that does nothing;
2. puts a notice in the edition's language above every widget that holds such a control: it needs a
   running notebook, and here are the page's launch links (Binder, Colab: the same addresses as the
   rocket menu, built from the same settings; tests/browser checks that they agree).
Widgets that only show something (progress bars, text, outputs) keep their look and get no notice.

The words are gettext messages of the "sphinx" catalogue: English in this file, German in
book/locales/de/LC_MESSAGES/sphinx.po. A page can point to an explorer that runs in the browser (book/_ext/
explorers.py) from the notices of its widgets, except upload fields: `widget_notice_explorers` in the Sphinx
configuration, {docname: address relative to the edition's root}, set in _config*.yml.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from myst_nb.core.render import sanitize_script_content
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.locale import _
from sphinx.transforms import SphinxTransform

STATE_KEY = "ipywidgets_state"  # myst-nb's name for the page's saved widget state (myst_nb.core.render)
VIEW = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.DOTALL)
REFERENCE = "IPY_MODEL_"
NOTICE_CLASS = "widget-notice"
INTERFACE_PATHS = {"classic": "tree", "jupyterlab": "lab/tree"}  # as sphinx-book-theme builds them
UPLOAD = "FileUploadModel"


def interactive_models(state: dict) -> set[str]:
    """The ids of the models a reader could operate: those with a `disabled` flag."""
    return {model_id for model_id, model in state.items() if "disabled" in model.get("state", {})}


def reachable(state: dict, model_id: str) -> set[str]:
    """`model_id` and every model it refers to (children, outputs, layouts), through IPY_MODEL_ references."""
    seen, todo = set(), [model_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in state:
            continue
        seen.add(current)
        todo.extend(re.findall(REFERENCE + r"(\w+)", json.dumps(state[current].get("state", {}))))
    return seen


def switch_off(state: dict) -> int:
    """Set `disabled` on every control of a saved widget state; returns how many there were."""
    controls = interactive_models(state)
    for model_id in controls:
        state[model_id]["state"]["disabled"] = True
    return len(controls)


def launch_links(theme_options: dict, source: str) -> list[tuple[str, str]]:
    """(service, address) for the notebook at `source` (relative to the book's root), like the rocket menu."""
    buttons = theme_options.get("launch_buttons") or {}
    repository = (theme_options.get("repository_url") or "").rstrip("/")
    if not repository.startswith("https://github.com/"):
        return []
    org_repo = repository.removeprefix("https://github.com/")
    branch = theme_options.get("repository_branch") or "main"
    docs = (theme_options.get("path_to_docs") or "").strip("/")
    path = f"{docs}/{source}" if docs else source
    interface = INTERFACE_PATHS.get(buttons.get("notebook_interface", "classic"), "tree")
    links = []
    if buttons.get("binderhub_url"):
        links.append(("Binder", f"{buttons['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}"
                                f"?urlpath={interface}/{path}"))
    if buttons.get("colab_url"):
        links.append(("Colab", f"{buttons['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/{path}"))
    return links


def _link(text: str, address: str, kind: str = "launch") -> nodes.reference:
    return nodes.reference("", text, refuri=address, classes=[f"{NOTICE_CLASS}__{kind}"])


def notice(links: list[tuple[str, str]], explorer: str | None = None) -> nodes.admonition:
    """The notice: why the widget below does not react here, and where it does."""
    box = nodes.admonition(classes=["note", NOTICE_CLASS])
    box += nodes.title("", _("This needs a running notebook"))
    text = nodes.paragraph("", _("The book runs no Python, so this panel only shows what was saved when the book "
                                 "was made; its controls are switched off here."))
    if explorer:
        text += [nodes.Text(" " + _("Try it right here, without Python:") + " "), _link(_("the explorer"), explorer, "explorer"),
                 nodes.Text(".")]
    if links:
        text += nodes.Text(" " + _("To try it, open the notebook in") + " ")
        for number, (service, address) in enumerate(links):
            if number:
                text += nodes.Text(" · ")
            text += _link(service, address)
        text += nodes.Text(" " + _("(also in the rocket menu at the top)."))
    box += text
    return box


class SwitchOffWidgets(SphinxTransform):
    """On a notebook page with saved widgets: controls off, and a notice above each widget that has one."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        # myst-nb keeps each page's extra scripts, the saved widget state among them, in the environment
        files = NbMetadataCollector.get_js_files(self.env, self.env.docname)
        if STATE_KEY not in files:
            return
        address, options = files[STATE_KEY]
        bundle = json.loads(options["body"])
        state = bundle.get("state", {})
        if not switch_off(state):
            return
        files[STATE_KEY] = (address, {**options, "body": sanitize_script_content(json.dumps(bundle))})
        controls = interactive_models(state)
        links = launch_links(self.config.html_theme_options or {}, self._source())
        explorer = self._explorer()
        for raw in list(self.document.findall(nodes.raw)):
            view = VIEW.search(raw.astext())
            own = reachable(state, json.loads(view.group(1)).get("model_id", "")) & controls if view else set()
            if not own:
                continue
            # An upload field asks for the reader's own file: no explorer stands in for that.
            uploads = any(state[model_id].get("model_name") == UPLOAD for model_id in own)
            raw.parent.insert(raw.parent.index(raw), notice(links, None if uploads else explorer))

    def _source(self) -> str:
        return Path(self.env.doc2path(self.env.docname)).relative_to(self.env.srcdir).as_posix()

    def _explorer(self) -> str | None:
        target = (self.config.widget_notice_explorers or {}).get(self.env.docname)
        if not target:
            return None
        return "../" * self.env.docname.count("/") + target


def setup(app):
    app.add_config_value("widget_notice_explorers", {}, "env", types=[dict])
    app.add_transform(SwitchOffWidgets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
