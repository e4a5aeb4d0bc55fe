"""The built book on a phone, and the static book's honesty about widgets that need a kernel.

Every page is opened at desktop size and then looked at as a phone (390 x 844, see phone.py) in the same
visit as the other browser tests. Each test checks one property on every page and lists every page that
fails it; the menu and slider tests open a few pages of their own and press the buttons.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browsing import Server, edition_of, visit_all
from phone import PHONE, READABLE_PX, english_words, picture_bytes, text_px
from test_book_in_browser import BLOCKING, _report

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# The words the notice above a widget starts with, per edition (book/locales/*/LC_MESSAGES/sphinx.po).
NOTICE_START = {"de": "Dafür braucht es ein laufendes Notebook", "en": "This needs a running notebook"}


def test_no_page_scrolls_sideways_on_a_phone(visits):
    problems = [f"{page}: scrolls {visit.phone_scroll} px to the right at {PHONE['width']} px"
                for page, visit in visits.items() if not visit.error and visit.phone_scroll > 0]
    assert not problems, _report(problems, "pages wider than a phone (wide content belongs in a box that "
                                           "scrolls by itself; see book/_static/werkstatt.css)")


def test_figure_text_is_readable_on_a_phone(site, visits):
    problems, measured = [], 0
    for page, visit in visits.items():
        for image in visit.phone_images:
            data = picture_bytes(site, page, image["src"])
            if data is None or not image["shown"]:
                continue
            size = text_px(data, image["shown"])
            if size is None:
                problems.append(f"{page}: '{image['alt']}': the picture does not say how big its text is "
                                "(draw plots with werkstatt.plots.show or save_png)")
            elif size < READABLE_PX:
                problems.append(f"{page}: '{image['alt']}': smallest text {size:.1f} px at {image['shown']:.0f} px wide")
            measured += 1
    assert measured, "no figure was measured: are the pictures missing?"
    assert not problems, _report(problems, f"figures whose text is under {READABLE_PX:g} px on a phone "
                                           f"(of {measured})")


def test_german_pages_have_no_english_chrome(visits):
    problems = [f"{page}: {text!r}" for page, visit in visits.items() if edition_of(page) == "de"
                for text in english_words(visit.phone_strings)]
    assert not problems, _report(problems, "English words in the chrome of German pages "
                                           "(translate them in book/locales/de/LC_MESSAGES/*.po)")


def test_no_serious_accessibility_violations_on_a_phone(visits):
    problems = [f"{page}: {v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['nodes'])}"
                for page, visit in visits.items() for v in visit.phone_violations if v["impact"] in BLOCKING]
    assert not problems, _report(problems, f"serious or critical axe-core violations at {PHONE['width']} px")


def test_widgets_that_need_a_kernel_say_so(visits):
    problems, notices = [], 0
    for page, visit in visits.items():
        for number, widget in enumerate(visit.widgets, 1):
            where = f"{page}, widget {number}"
            if widget["live"]:
                problems.append(f"{where}: controls react without a kernel: {widget['live'][:2]}")
            if not widget["controls"]:
                continue
            notice = widget["notice"] or ""
            if not notice.startswith(NOTICE_START[edition_of(page)]):
                problems.append(f"{where}: {widget['controls']} controls and no notice in the edition's language")
                continue
            notices += 1
            if not widget["links"] or set(widget["links"]) - set(visit.launch_links):
                problems.append(f"{where}: the notice's links {widget['links']} are not the launch menu's "
                                f"{visit.launch_links}")
            for address in widget["explorers"]:
                target = urlsplit(address).path.lstrip("/")
                if target not in visits or not visits[target].explorers:
                    problems.append(f"{where}: the notice points to {target}, which has no explorer")
    assert notices, "no widget notice found: do the notebook pages still have their widgets?"
    assert not problems, _report(problems, "widgets that pretend to work in the static book")


@pytest.fixture
def phone(site, chromium):
    """(page, origin): a phone-sized window of its own on the site, for tests that press buttons.
    One per test: a browser left open would stop visit_all() in a later test from starting its own."""
    from playwright.sync_api import sync_playwright

    with Server(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, service_workers="block", has_touch=True)
        yield context.new_page(), server.origin
        context.close()
        browser.close()


def _wait(page, condition: str, timeout_ms: int = 3000) -> bool:
    try:
        page.wait_for_function(condition, timeout=timeout_ms)
        return True
    except Exception:  # Playwright's TimeoutError
        return False


MENU_PAGES = ["de/book/de/01-language-model.html", "de/notebooks/de/04-tiny-gpt.html",
              "en/book/en/01-language-model.html", "en/notebooks/en/08-bias.html"]


@pytest.mark.parametrize("name", MENU_PAGES)
def test_menus_open_on_a_phone(phone, name):
    # pydata/pydata-sphinx-theme#2451: with two .primary-toggle buttons in the page, the visible one did nothing.
    page, origin = phone
    for toggle, dialog in ((".primary-toggle", "#pst-primary-sidebar-modal"),
                           (".secondary-toggle", "#pst-secondary-sidebar-modal")):
        page.goto(f"{origin}/{name}", wait_until="load")
        buttons = page.locator(f"{toggle}:visible")
        assert buttons.count() == 1, f"{name}: {buttons.count()} visible {toggle} buttons at phone width"
        buttons.first.tap()
        if not _wait(page, f"document.querySelector('{dialog}').open"):
            pytest.fail(f"{name}: tapping {toggle} at phone width opens no menu (pydata/pydata-sphinx-theme#2451, "
                        "fixed by book/_templates/sections/header.html)")
        links = page.locator(f"{dialog} a:visible")
        assert links.count() > 0, f"{name}: the {toggle} menu opened empty"
        page.keyboard.press("Escape")
        page.wait_for_function(f"!document.querySelector('{dialog}').open", timeout=3000)


def test_sidebar_button_folds_the_navigation_on_a_wide_screen(phone):
    # The same bug on a wide screen: sphinx-book-theme's fold-away handler sat on the hidden header button.
    page, origin = phone
    page.set_viewport_size({"width": 1280, "height": 800})
    try:
        page.goto(f"{origin}/de/book/de/01-language-model.html", wait_until="load")
        page.locator(".primary-toggle:visible").first.click()
        assert _wait(page, "document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"), \
            "the sidebar button does not fold the navigation away on a wide screen"
    finally:
        page.set_viewport_size(PHONE)


@pytest.mark.parametrize("edition", ["de", "en"])
def test_a_switched_off_slider_does_not_move(phone, edition):
    page, origin = phone
    page.goto(f"{origin}/{edition}/notebooks/{edition}/01-language-model.html", wait_until="load")
    page.wait_for_selector(".cell_output .widget-slider .noUi-handle", timeout=15000)
    readout = page.locator(".cell_output .widget-slider .widget-readout").first
    before = readout.text_content()
    handle = page.locator(".cell_output .widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    handle.focus()
    page.keyboard.press("ArrowRight")
    assert readout.text_content() == before, "the temperature slider moved although nothing can recompute"


def test_search_page_speaks_german(phone):
    page, origin = phone
    page.goto(f"{origin}/de/search.html?q=Wahrscheinlichkeit", wait_until="load")
    page.wait_for_function("document.querySelector('#search-results p.search-summary, .search-summary')", timeout=15000)
    found = page.locator(".search-summary").first.text_content()
    page.goto(f"{origin}/de/search.html?q=Quatschwortohnetreffer", wait_until="load")
    page.wait_for_function("document.querySelector('.search-summary')", timeout=15000)
    none = page.locator(".search-summary").first.text_content()
    for text in (found, none):
        assert not english_words([text]) and "Sie " not in text, f"search page says: {text!r}"


def test_the_phone_checks_can_fail(tmp_path, chromium):
    # A German page with a wide table outside any box, English chrome, and a plot with 5 px text.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from werkstatt.plots import save_png

    fig, ax = plt.subplots(figsize=(12, 3))
    ax.plot([0, 1])
    ax.set_xlabel("klein", fontsize=8)
    save_png(fig, tmp_path / "plot.png", dpi=100)
    plt.close(fig)
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="de"><head><title>kaputt</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><nav aria-label="Main"><button title="Toggle primary sidebar">☰</button></nav>'
        '<article class="bd-article"><table style="width:900px"><tr><td>breit</td></tr></table>'
        '<img src="plot.png" alt="Linie" style="max-width:100%"></article></body></html>', encoding="utf-8")
    with Server(tmp_path) as server:
        [visit] = visit_all(chromium, server, ["page.html"])
    assert visit.phone_scroll > 0
    assert set(english_words(visit.phone_strings)) == {"Main", "Toggle primary sidebar"}
    [image] = visit.phone_images
    assert text_px(picture_bytes(tmp_path, "page.html", image["src"]), image["shown"]) < READABLE_PX
