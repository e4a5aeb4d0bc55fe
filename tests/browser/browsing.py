"""The built book as a reader sees it: discover its pages, serve them, open each one in Chromium.

Pages are discovered from the build (every .html outside _static/, _sources/, _images/), never
from a list, so new chapters are tested as soon as they are in the tables of contents.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from phone import look_on_a_phone

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tools" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
EDITIONS = ("de", "en")
NOT_PAGES = {"_static", "_sources", "_images", "_sphinx_design_static", "reports"}
REDIRECT = re.compile(r'<meta[^>]+http-equiv="refresh"[^>]+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)
# Folders whose pages are notebooks: they get launch buttons (Binder, Colab).
NOTEBOOK_FOLDERS = ("notebooks", "exercises")
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    """Debian's chromium (a test tool's own browser download does not work offline)."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def discover_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to the site root (POSIX)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if NOT_PAGES.intersection(relative.parts[:-1]):
            continue
        pages.append(relative.as_posix())
    return pages


def redirect_target(site: Path, page: str) -> str | None:
    """The target of a <meta http-equiv="refresh"> page (Jupyter Book writes one per edition)."""
    match = REDIRECT.search((site / page).read_text(encoding="utf-8", errors="replace")[:4000])
    return match.group(1) if match else None


def edition_of(page: str) -> str | None:
    first = page.split("/", 1)[0]
    return first if first in EDITIONS else None


def is_notebook_page(page: str) -> bool:
    parts = page.split("/")
    return len(parts) >= 3 and parts[1] in NOTEBOOK_FOLDERS


def is_chapter_page(page: str) -> bool:
    """A page written by the authors (book page or notebook), which must link to its counterpart."""
    parts = page.split("/")
    return len(parts) >= 3 and parts[1] in ("book", *NOTEBOOK_FOLDERS)


class Server:
    """A static HTTP server for the site on 127.0.0.1 (a free port), in a background thread."""

    def __init__(self, site: Path):
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@dataclass
class Visit:
    """What one page did in the browser."""

    page: str
    seconds: float = 0.0
    lang: str = ""
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    counterpart: str | None = None
    links: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    widget_views: int = 0
    widgets_rendered: bool = True
    math_expected: bool = False
    math_rendered: bool = True
    error: str | None = None
    # the same page on a phone (PHONE, portrait): see phone.py
    phone_scroll: int = 0  # how far the page can be scrolled sideways, in CSS px
    phone_strings: list[str] = field(default_factory=list)
    phone_images: list[dict] = field(default_factory=list)
    phone_violations: list[dict] = field(default_factory=list)
    widgets: list[dict] = field(default_factory=list)  # notebook outputs with widgets (phone.py)
    launch_links: list[str] = field(default_factory=list)  # the rocket menu's links
    explorers: int = 0  # in-page explorers (book/_ext/explorers.py)


# Run in the page: everything the tests look at, in one round trip.
COLLECT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const switchLink = document.querySelector('.edition-switch a');
  return {
    lang: document.documentElement.lang,
    violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})),
    counterpart: switchLink ? switchLink.href : null,
    links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
    images: Array.from(document.querySelectorAll('img'), img => ({
      src: (img.getAttribute('src') || '').slice(0, 80), alt: img.getAttribute('alt'),
      hidden: img.getAttribute('aria-hidden') === 'true' || img.getAttribute('role') === 'presentation'})),
  };
}"""
WIDGET_VIEWS = "document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length"
WIDGETS_RENDERED = """() => Array.from(
  document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
  .every(s => s.parentElement.querySelector('.jupyter-widgets'))"""
SCROLLABLES_READY = """() => Array.from(document.querySelectorAll(
  'pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon'))
  .every(e => !(e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight) || e.tabIndex === 0)"""
HAS_MATH = "document.querySelectorAll('.math').length > 0"
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default, where axe-core looks first
MATH_RENDERED = "() => document.querySelectorAll('mjx-container').length > 0"


def visit_all(chromium: str, server: Server, pages: list[str], timeout_ms: int = 15000) -> list[Visit]:
    """Open every page once, with every request that leaves 127.0.0.1 blocked and recorded."""
    from playwright.sync_api import sync_playwright

    visits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(service_workers="block", viewport=DESKTOP)
        context.add_init_script(path=str(AXE_JS))
        current: list[Visit] = []

        def route(route):
            url = route.request.url
            if url.startswith(server.origin + "/") or url.startswith("data:"):
                return route.continue_()
            current[-1].outside_requests.append(url)
            return route.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda message: current[-1].console_errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: current[-1].console_errors.append(f"uncaught: {error}"))
        page.on("response", lambda response: current[-1].failed_requests.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)
        for name in pages:
            visit = Visit(name)
            current.append(visit)
            start = time.perf_counter()
            try:
                page.set_viewport_size(DESKTOP)
                page.goto(f"{server.origin}/{name}", wait_until="load", timeout=timeout_ms)
                visit.widget_views = page.evaluate(WIDGET_VIEWS)
                if visit.widget_views:
                    visit.widgets_rendered = _wait(page, WIDGETS_RENDERED, timeout_ms)
                visit.math_expected = page.evaluate(HAS_MATH)
                if visit.math_expected:
                    visit.math_rendered = _wait(page, MATH_RENDERED, timeout_ms)
                # The theme makes overflowing outputs keyboard-scrollable (tabindex=0), 300 ms after
                # the page last changed (widgets, MathJax); give it that time before axe looks.
                _wait(page, SCROLLABLES_READY, 2000)
                data = page.evaluate(COLLECT)
                visit.lang, visit.violations = data["lang"], data["violations"]
                visit.counterpart, visit.links, visit.images = data["counterpart"], data["links"], data["images"]
                look_on_a_phone(page, visit)
            except Exception as error:  # a page that does not load is a finding, not a crash
                visit.error = f"{type(error).__name__}: {error}".splitlines()[0]
            visit.seconds = time.perf_counter() - start
            visits.append(visit)
        context.close()
        browser.close()
    return visits


def _wait(page, condition: str, timeout_ms: int) -> bool:
    try:
        page.wait_for_function(condition, timeout=timeout_ms)
        return True
    except Exception:
        return False
