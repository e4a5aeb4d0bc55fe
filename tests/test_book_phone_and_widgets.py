"""The book extensions for the static book's widgets and its German chrome, and the figures' phone sizes.

The built pages are checked in a browser (tests/browser/test_book_on_a_phone.py); these tests show that
the pieces do what their docstrings say, in seconds.
"""
from __future__ import annotations

import io
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

import address  # noqa: E402
from nbtools import ROOT  # noqa: E402
from werkstatt import plots  # noqa: E402

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import chrome  # noqa: E402
import static_widgets  # noqa: E402

# A saved widget state as myst-nb stores it: a box with a slider and an output, and a progress bar apart.
STATE = {
    "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_out"]}},
    "slider": {"model_name": "FloatSliderModel", "state": {"value": 1.0, "disabled": False,
                                                           "layout": "IPY_MODEL_layout"}},
    "layout": {"model_name": "LayoutModel", "state": {}},
    "out": {"model_name": "OutputModel", "state": {"outputs": []}},
    "bar": {"model_name": "FloatProgressModel", "state": {"value": 3, "max": 10}},
}
HOME = address.home()  # course.toml: the one place the course's address is written
THEME = {"repository_url": HOME.url, "repository_branch": HOME.branch,
         "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                            "colab_url": "https://colab.research.google.com"}}


def test_controls_are_switched_off_and_found_through_their_boxes():
    state = json.loads(json.dumps(STATE))
    assert static_widgets.switch_off(state) == 1
    assert state["slider"]["state"]["disabled"] is True
    assert "disabled" not in state["bar"]["state"]  # a progress bar only shows something
    controls = static_widgets.interactive_models(state)
    assert (static_widgets.reachable(state, "box") & controls) == {"slider"}
    assert not static_widgets.reachable(state, "bar") & controls


def test_launch_links_are_the_rocket_menus():
    links = dict(static_widgets.launch_links(THEME, "notebooks/de/01-language-model.ipynb"))
    repository = f"{HOME.owner}/{HOME.name}"
    assert links["Binder"] == (f"https://mybinder.org/v2/gh/{repository}/{HOME.branch}"
                               "?urlpath=lab/tree/notebooks/de/01-language-model.ipynb")
    assert links["Colab"] == (f"https://colab.research.google.com/github/{repository}/blob/{HOME.branch}/"
                              "notebooks/de/01-language-model.ipynb")
    assert static_widgets.launch_links({}, "x.ipynb") == []


def test_the_notice_names_the_services_and_an_explorer_when_there_is_one():
    links = static_widgets.launch_links(THEME, "notebooks/en/01-language-model.ipynb")
    plain = static_widgets.notice(links).astext()
    assert "running notebook" in plain and "Binder" in plain and "Colab" in plain and "explorer" not in plain
    assert "the explorer" in static_widgets.notice(links, explorer="../../book/en/01.html#explorer").astext()


def test_every_german_message_of_the_book_is_translated_and_says_du():
    for domain in ("sphinx", "booktheme"):
        messages = chrome.read_catalogue("de", domain)
        assert messages, domain
        for english, german in messages.items():
            assert german and german != english or english in ("Repository",), english
            assert " Sie " not in f" {german} " and "Ihre" not in german, german
    notice = chrome.read_catalogue("de", "sphinx")
    for message in ("This needs a running notebook", "To try it, open the notebook in", "Search this book..."):
        assert message in notice


def test_the_course_catalogue_answers_before_the_themes_own():
    theme = chrome.Catalogue({"Open an issue": "Öffnen Sie ein Problem", "Launch": "Starten"})
    ours = chrome.Catalogue({"Open an issue": "Einen Fehler melden"})
    ours.add_fallback(theme)
    assert ours.gettext("Open an issue") == "Einen Fehler melden"
    assert ours.gettext("Launch") == "Starten"
    assert ours.gettext("Unknown") == "Unknown"


def test_search_page_messages_get_the_course_words():
    script = 'Documentation.addTranslations({"locale": "de", "messages": {"Search Results": "Suchergebnisse", ' \
             '"Search finished, found ${resultCount} page(s) matching the search query.": ""}, "plural_expr": "(n != 1)"});'
    translated = chrome.translate_search_messages(script, chrome.read_catalogue("de", "sphinx"))
    data = json.loads(translated[translated.index("(") + 1:translated.rindex(")")])
    assert data["messages"]["Search finished, found ${resultCount} page(s) matching the search query."].startswith("Suche")
    assert data["messages"]["Search Results"] == "Suchergebnisse"


def test_a_plot_knows_the_width_at_which_its_text_stays_readable():
    plots.use_course_style()
    fig, ax = plt.subplots(figsize=(12, 3))
    ax.plot([0, 1])
    ax.set_title("breit", fontsize=8)
    tag = plots.figure_html(fig, alt="eine Linie")
    plt.close(fig)
    payload = tag.split("base64,", 1)[1].split('"', 1)[0]
    with Image.open(io.BytesIO(__import__("base64").b64decode(payload))) as picture:
        assert picture.info[plots.SMALLEST_TEXT_KEY] == "8"
        width = picture.width
    narrowest = plots.readable_width(width, 8, 100)
    assert f"min-width:{narrowest}px" in tag and f"max-width:{width}px" in tag
    assert 8 * 100 / 72 * narrowest / width >= plots.READABLE_PX  # 9 px text at that width


def test_fit_for_phone_makes_a_wide_figure_readable_in_a_phone_column():
    plots.use_course_style()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3))
    for ax in axes:
        ax.bar(["a", "b", "c"], [3, 2, 1])
        ax.set_title("Wahrscheinlichkeit", fontsize=9)
    plots.fit_for_phone(fig)
    buffer = io.BytesIO()
    smallest = plots.save_png(fig, buffer, dpi=100)
    plt.close(fig)
    with Image.open(io.BytesIO(buffer.getvalue())) as picture:
        width = picture.width
    assert smallest * 100 / 72 * plots.PHONE_COLUMN_PX / width >= plots.READABLE_PX
