"""The built book, both editions, as a reader's browser sees it: offline, accessible, linked.

Each test checks one property on every page and lists every page that fails it.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from browsing import Server, edition_of, is_chapter_page, is_notebook_page, visit_all
from colours import confusable_pairs, dominant_colours, plot_images
from links import check_links, write_external_report

BLOCKING = ("serious", "critical")
# An alt text that is a file name or a placeholder says nothing about the picture.
EMPTY_ALT = re.compile(r"(\.(png|jpe?g|gif|svg|webp)$)|(^(image|img|bild|grafik|plot|figure|abbildung|"
                       r"output|png|chart|diagramm|diagram)\s*\d*$)", re.IGNORECASE)


def _report(problems: list[str], what: str) -> str:
    shown = "\n  ".join(problems[:40])
    more = f"\n  ... and {len(problems) - 40} more" if len(problems) > 40 else ""
    return f"{len(problems)} {what}:\n  {shown}{more}"


def test_every_page_loads(visits):
    problems = [f"{page}: {visit.error}" for page, visit in visits.items() if visit.error]
    problems += [f"{page}: {request}" for page, visit in visits.items() for request in visit.failed_requests]
    assert not problems, _report(problems, "pages or files that did not load")


def test_no_console_errors(visits):
    problems = [f"{page}: {message}" for page, visit in visits.items() for message in visit.console_errors]
    assert not problems, _report(problems, "console errors")


def test_no_request_leaves_localhost(visits):
    problems = [f"{page}: {url}" for page, visit in visits.items() for url in visit.outside_requests]
    assert not problems, _report(problems, "requests to other hosts (the book must work offline)")


def test_no_serious_accessibility_violations(visits):
    problems = [f"{page}: {v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['nodes'])}"
                for page, visit in visits.items() for v in visit.violations if v["impact"] in BLOCKING]
    assert not problems, _report(problems, "serious or critical axe-core violations")


def test_the_checks_can_fail(tmp_path, chromium):
    # A page with known faults, opened the same way: each check above must notice its fault.
    (tmp_path / "faulty.html").write_text(
        '<!DOCTYPE html><html><head><title>faulty</title>'
        '<script src="https://cdn.example.org/lib.js"></script></head>'
        '<body><main><button></button><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<script>console.error("broken on purpose")</script></main></body></html>', encoding="utf-8")
    with Server(tmp_path) as server:
        [visit] = visit_all(chromium, server, ["faulty.html"])
    assert any(v["impact"] in BLOCKING for v in visit.violations), visit.violations
    assert visit.outside_requests == ["https://cdn.example.org/lib.js"]
    assert any("broken on purpose" in message for message in visit.console_errors)
    assert visit.images and not visit.images[0]["alt"]


def test_pages_are_in_their_edition_language(visits):
    problems = [f"{page}: lang={visit.lang!r}" for page, visit in visits.items()
                if edition_of(page) and not visit.lang.startswith(edition_of(page))]
    assert not problems, _report(problems, "pages with the wrong lang attribute")


def counterpart_of(page: str) -> str:
    """de/book/de/01-x.html <-> en/book/en/01-x.html (the same file name is the same chapter)."""
    edition = edition_of(page)
    other = "en" if edition == "de" else "de"
    return "/".join(other if part == edition else part for part in page.split("/"))


def test_language_switch_leads_to_the_counterpart(visits):
    problems = []
    for page, visit in visits.items():
        if not is_chapter_page(page) or visit.error:
            continue
        if not visit.counterpart:
            problems.append(f"{page}: no link to the other edition")
            continue
        target = urlsplit(visit.counterpart).path.lstrip("/")
        if target != counterpart_of(page):
            problems.append(f"{page}: the language switch leads to {target}, not to {counterpart_of(page)}")
        elif target not in visits:
            problems.append(f"{page}: the language switch leads to {target}, which is not a page of the book")
        elif urlsplit(visits[target].counterpart or "").path.lstrip("/") != page:
            problems.append(f"{page}: {target} does not link back")
    assert not problems, _report(problems, "broken language switches")


def test_notebook_pages_have_launch_buttons(visits):
    problems = []
    notebook_pages = [page for page in visits if is_notebook_page(page)]
    for page in notebook_pages:
        source = page.split("/", 1)[1].removesuffix(".html") + ".ipynb"
        links = visits[page].links
        for service, pattern in (("Binder", "mybinder.org/v2/gh/"), ("Colab", "colab.research.google.com/github/")):
            if not any(pattern in link and source in link for link in links):
                problems.append(f"{page}: no {service} button for {source}")
    assert not problems, _report(problems, "missing launch buttons")


def test_saved_widgets_render(visits):
    problems = [f"{page}: {visit.widget_views} saved widget views, not all rendered"
                for page, visit in visits.items() if visit.widget_views and not visit.widgets_rendered]
    assert not problems, _report(problems, "pages whose saved widgets do not render")


def test_maths_renders(visits):
    problems = [page for page, visit in visits.items() if visit.math_expected and not visit.math_rendered]
    assert not problems, _report(problems, "pages whose formulas MathJax did not render")


def test_every_image_has_meaningful_alt_text(visits):
    problems = []
    for page, visit in visits.items():
        for image in visit.images:
            alt = (image["alt"] or "").strip()
            if image["hidden"]:
                continue
            if not alt or EMPTY_ALT.search(alt) or "_images/" in alt:
                problems.append(f"{page}: <img src={image['src']!r}> alt={image['alt']!r}")
    assert not problems, _report(problems, "images without meaningful alt text "
                                           "(show plots with werkstatt.plots.show(fig, alt=...))")


def test_internal_links_and_anchors_resolve(site, pages):
    report = check_links(site, pages)
    write_external_report(report, site / "external-links.txt")
    assert report.internal_checked > len(pages), "the link check found almost no links: is the site empty?"
    assert not report.broken, _report(report.broken, "broken internal links")


def test_plots_use_colour_blind_safe_colours(site, pages):
    problems = []
    pictures = 0
    for page in pages:
        for label, pixels in plot_images(site, page):
            pictures += 1
            for first, second, deficiency, distance in confusable_pairs(dominant_colours(pixels)):
                problems.append(f"{page}: '{label}': {first} and {second} look alike with {deficiency} "
                                f"(ΔE {distance:.0f}); use the Okabe–Ito colours of werkstatt.plots")
    assert not problems, _report(problems, "plots with colours that readers with a colour-vision deficiency "
                                           f"cannot tell apart (of {pictures} pictures)")
