"""Reading a start page's figures (templates/_progress.html: one card per
figure, `data-figure` naming it) and the records its link shows, for the
tests that a figure equals what its link lists."""

import html as markup
import re
from decimal import Decimal

from oilchain.reports import services as reports

CARD = re.compile(r'<li data-figure="(?P<key>[a-z_]+)">(?P<body>.*?)</li>', re.S)
LINK = re.compile(r'<a href="(?P<href>[^"]+)"')
VALUE = re.compile(r'<strong class="index-value">(?P<value>.*?)</strong>', re.S)
DETAIL = re.compile(r'<small class="index-label">(?P<detail>.*?)</small>', re.S)


def figures(page: str) -> dict[str, dict]:
    """Every figure of the page: its value's text, its link (or None) and its detail line."""
    found = {}
    for card in CARD.finditer(page):
        body = card.group("body")
        link, detail = LINK.search(body), DETAIL.search(body)
        found[card.group("key")] = {
            "value": markup.unescape(VALUE.search(body).group("value").strip()),
            "href": markup.unescape(link.group("href")) if link else None,
            "detail": markup.unescape(detail.group("detail").strip()) if detail else None,
        }
    return found


def number(text: str) -> Decimal:
    """The number a figure's text starts with ("9,500 plants" -> 9500, "1,234.5 kg" -> 1234.5, "¥12.00" -> 12)."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, text
    return Decimal(match.group(0).replace(",", ""))


def body_rows(page: str, table_class: str | None = None) -> list[str]:
    """The rows of the page's (first, or first of `table_class`) table body, as HTML."""
    start = page.index(f'<table class="{table_class}"') if table_class else page.index("<table")
    body = page[page.index("<tbody>", start):page.index("</tbody>", start)]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)


def codes_in(rows: list[str]) -> list[str]:
    return [re.search(r"<code>(YY-[A-Z0-9-]+)</code>", row).group(1) for row in rows]


def set_plan_year(session, actor, year: int = 2025, values: dict | None = None) -> int:
    """Targets for `year`, so the start pages show it (the plan year the reports use)."""
    reports.set_targets(session, actor=actor, year=year, values=values or {"seedlings_raised": 15_000_000})
    session.commit()
    return year
