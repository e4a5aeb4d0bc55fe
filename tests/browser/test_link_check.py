"""The link check itself can fail: a tiny site with a broken link, a missing anchor and an external link."""
from __future__ import annotations

from links import check_links


def test_link_check_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text(
        '<html><body><h1 id="top">A</h1><a href="b.html#part">ok</a> <a href="#top">ok</a>'
        '<a href="missing.html">broken</a> <a href="b.html#nowhere">broken anchor</a>'
        '<a href="../../outside.html">outside</a> <a href="https://example.org/x">external</a>'
        '<img src="data:image/png;base64,AAAA" alt="a dot"></body></html>', encoding="utf-8")
    (tmp_path / "book" / "b.html").write_text('<html><body><p id="part">B</p></body></html>', encoding="utf-8")
    report = check_links(tmp_path, ["book/a.html", "book/b.html"])
    assert sorted(report.broken) == sorted([
        "book/a.html: missing.html -> book/missing.html does not exist",
        "book/a.html: b.html#nowhere -> no id 'nowhere' in book/b.html",
        "book/a.html: ../../outside.html leaves the site",
    ])
    assert report.external == {"https://example.org/x": {"book/a.html"}}
    assert report.internal_checked == 5
