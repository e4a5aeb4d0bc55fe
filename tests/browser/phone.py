"""The book on a phone: every page looked at again at 390 x 844 CSS px (an iPhone 12-15 in portrait).

What is measured (the tests in test_book_on_a_phone.py read it):
- sideways scrolling: how far the page itself scrolls to the right (boxes that scroll inside, like wide
  tables and code, are fine);
- the page's own words (the chrome around the content: menus, tooltips, screen-reader names, search box),
  for the check that no English is left on German pages;
- every picture in the content: its source, its natural and its shown width, for the check that figure
  text stays at least 9 CSS px (the smallest text size is read from the picture itself, see text_px);
- notebook widgets: how many controls each has, which of them still react, and the notice above it;
- axe-core again, since a phone's layout has problems of its own (a box that only scrolls on a phone
  must be reachable with the keyboard).
"""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

PHONE = {"width": 390, "height": 844}
READABLE_PX = 9.0  # the smallest figure text a reader should meet (werkstatt.plots.READABLE_PX)
SMALLEST_TEXT_KEY = "Smallest text (pt)"  # written into each PNG by werkstatt.plots.save_png

# English words of the themes' chrome that must not appear on a German page (whole words, case-sensitive).
# From sphinx-book-theme 1.3 and pydata-sphinx-theme 0.17 (templates, their Python code, their scripts)
# and Sphinx's search page. A theme update that brings new English words should add them here.
ENGLISH_UI = (
    "Search this book", "Search", "Toggle primary sidebar", "Toggle secondary sidebar", "Toggle navigation",
    "Source repositories", "Source repository", "Open issue", "Open an issue", "Suggest edit", "Show source",
    "Launch interactive content", "Launch on", "Live Code", "Download this page", "Download source file",
    "Download notebook file", "Print to PDF", "Fullscreen mode", "Color mode", "Light", "Dark", "System Settings",
    "Skip to main content", "Back to top", "Site navigation", "On this page", "Contents", "Previous page",
    "Next page", "previous", "next", "Main", "Page", "logo", "By", "Last updated on", "Edit this page",
    "Copy to clipboard", "Copied!", "Click to show", "Click to hide", "Version warning", "Link to this heading",
    "Search Results", "Searching", "Preparing search", "Search finished", "Your search did not match",
    "Please activate JavaScript", "Show or hide sections",
)
ENGLISH_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_UI) + r")(?![\w-])")

# Run in the page at phone width. The chrome's words: every text and every label-like attribute outside
# the article's content, plus the labels of controls inside it (copy buttons, heading links, widgets).
PHONE_COLLECT = """async () => {
  window.scrollTo(10000, 0);
  const scroll = window.scrollX;
  window.scrollTo(0, 0);
  const strings = new Set();
  const ATTRIBUTES = ['title', 'aria-label', 'placeholder', 'alt', 'data-tooltip', 'data-bs-original-title'];
  const article = document.querySelector('article.bd-article');
  const outputs = '.cell_output, .highlight, pre, code, .math, mjx-container';
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest('script, style, noscript') || (element.closest(outputs) && !element.closest('.widget-notice'))) {
      continue;
    }
    const inArticle = article && article.contains(element);
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value && value.trim() && (!inArticle || name !== 'alt')) strings.add(value.trim());
    }
    if (!inArticle) {
      for (const node of element.childNodes) {
        if (node.nodeType === 3 && node.textContent.trim()) strings.add(node.textContent.trim());
      }
    }
  }
  // Notebook outputs with widgets: their controls, which of them still react, and the notice above them.
  const CONTROLS = 'input, select, button, textarea, [role="slider"], .noUi-target, [contenteditable]';
  const reacts = c => c.matches('[contenteditable]') ? c.isContentEditable
    : !c.disabled && !c.closest('[disabled]') && c.getAttribute('aria-disabled') !== 'true';
  const widgets = Array.from(document.querySelectorAll('.cell_output'))
    .filter(output => output.querySelector('.jupyter-widgets'))
    .map(output => {
      const controls = Array.from(output.querySelectorAll('.jupyter-widgets')).flatMap(w => Array.from(w.querySelectorAll(CONTROLS)));
      const live = controls.filter(reacts);
      const notice = output.querySelector('.widget-notice');
      return {controls: controls.length, live: live.map(c => c.outerHTML.slice(0, 100)),
              notice: notice ? notice.textContent.replace(/\\s+/g, ' ').trim() : null,
              links: notice ? Array.from(notice.querySelectorAll('a.widget-notice__launch'), a => a.href) : [],
              explorers: notice ? Array.from(notice.querySelectorAll('a.widget-notice__explorer'), a => a.href) : []};
    });
  const launch = Array.from(document.querySelectorAll('.dropdown-launch-buttons a'), a => a.href);
  const images = Array.from(article ? article.querySelectorAll('img') : [], img => ({
    src: img.currentSrc || img.src, natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width, alt: (img.getAttribute('alt') || '').slice(0, 60)}));
  const result = await axe.run(document, {resultTypes: ['violations']});
  const explorers = document.querySelectorAll('.werkstatt-explorer').length;
  return {scroll, strings: Array.from(strings), images, widgets, launch, explorers,
          violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))};
}"""


def look_on_a_phone(page, visit) -> None:
    """Turn the open page into a phone (same page, narrow window) and record what the tests check."""
    page.set_viewport_size(PHONE)
    # The theme re-lays out and re-marks scrollable boxes 300 ms after a resize.
    page.wait_for_timeout(450)
    data = page.evaluate(PHONE_COLLECT)
    visit.phone_scroll = data["scroll"]
    visit.phone_strings = data["strings"]
    visit.phone_images = data["images"]
    visit.phone_violations = data["violations"]
    visit.widgets = data["widgets"]
    visit.launch_links = data["launch"]
    visit.explorers = data["explorers"]


def english_words(strings: list[str]) -> list[str]:
    """The strings that contain one of the ENGLISH_UI words."""
    return [text for text in strings if ENGLISH_PATTERN.search(text)]


# --- how big the smallest text of a picture is where the page shows it ---------------------------------

def picture_bytes(site: Path, origin_path: str, source: str) -> bytes | None:
    """The bytes of a picture: a data: URI, or a file of the site (`source` as the browser resolved it)."""
    if source.startswith("data:"):
        header, _, payload = source.partition(",")
        return base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode("utf-8")
    path = site / unquote(urlsplit(source).path).lstrip("/")
    return path.read_bytes() if path.is_file() else None


SVG_FONT = re.compile(r'font-size="([\d.]+)(?:px)?"')
SVG_WIDTH = re.compile(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) [\d.]+"')


def text_px(data: bytes, shown_width: float) -> float | None:
    """The smallest text of a picture in CSS px at `shown_width`, or None when the picture does not say.

    PNG: werkstatt.plots.save_png writes the smallest font size (pt) into the file; with the file's dpi
    and its width in pixels that gives the text's height in the picture. SVG: the smallest font-size of
    its <text> elements, scaled from the viewBox to the shown width.
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        from PIL import Image

        with Image.open(io.BytesIO(data)) as picture:
            smallest = picture.info.get(SMALLEST_TEXT_KEY)
            dpi = picture.info.get("dpi", (72, 72))[0]
            width = picture.width
        if smallest is None:
            return None
        return float(smallest) * dpi / 72 * shown_width / width
    text = data.decode("utf-8", errors="replace")
    if "<svg" in text:
        sizes = [float(size) for size in SVG_FONT.findall(text)]
        width = SVG_WIDTH.search(text)
        if not sizes or not width:
            return None
        return min(sizes) * shown_width / float(width.group(1))
    return None
