"""Every link in the built site, read from the HTML files (no browser, no network).

Internal links (and their #anchors) must resolve to a file (and an id) inside the site.
External links are only listed: there is no network here or in CI, so they are never fetched.
"""
from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browsing import REDIRECT

# (tag, attribute) pairs that point somewhere.
LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
                   ("iframe", "src"), ("source", "src"), ("video", "src"), ("audio", "src")}
EXTERNAL_SCHEMES = {"http", "https", "mailto", "ftp"}
IGNORED_SCHEMES = {"data", "javascript", "blob"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if (tag, name) in LINK_ATTRIBUTES:
                self.links.append(value)
        if tag == "meta":
            values = dict(attrs)
            if (values.get("http-equiv") or "").lower() == "refresh":
                match = REDIRECT.search(f'<meta http-equiv="refresh" content="{values.get("content", "")}">')
                if match:
                    self.links.append(match.group(1))


@dataclass
class LinkReport:
    broken: list[str]
    external: dict[str, set[str]]
    internal_checked: int


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def check_links(site: Path, pages: list[str]) -> LinkReport:
    parsed: dict[str, _Collector] = {}

    def ids_of(target: str) -> set[str]:
        if target not in parsed:
            parsed[target] = _parse(site / target)
        return parsed[target].ids

    broken: list[str] = []
    external: dict[str, set[str]] = defaultdict(set)
    checked = 0
    for page in pages:
        ids_of(page)  # parses the page
        for link in parsed[page].links:
            parts = urlsplit(link)
            if parts.scheme in EXTERNAL_SCHEMES or link.startswith("//"):
                external[link].add(page)
                continue
            if parts.scheme in IGNORED_SCHEMES or parts.scheme:
                continue
            checked += 1
            if parts.path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            else:
                target = page
            if target.startswith("../") or target == "..":
                broken.append(f"{page}: {link} leaves the site")
                continue
            path = site / target
            if path.is_dir():
                target, path = posixpath.join(target, "index.html"), path / "index.html"
            if not path.is_file():
                broken.append(f"{page}: {link} -> {target} does not exist")
                continue
            fragment = unquote(parts.fragment)
            if fragment and path.suffix == ".html" and fragment not in ids_of(target):
                broken.append(f"{page}: {link} -> no id '{fragment}' in {target}")
    return LinkReport(broken, dict(external), checked)


def write_external_report(report: LinkReport, target: Path) -> None:
    lines = ["# External links in the built book (listed, never fetched: there is no network in the tests).",
             "# URL <tab> number of pages <tab> first page that links to it", ""]
    for url in sorted(report.external):
        pages = sorted(report.external[url])
        lines.append(f"{url}\t{len(pages)}\t{pages[0]}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
