"""The per-worker cache of lots' pages (public/scan.Cards) keeps the lots
scanned most recently when it is full, rather than starting afresh: scans
crowd on the bottles of the last shelf life while older lots still come."""

import pytest

from oilchain.public.scan import Card, Cards, NotCached


def card(n: int) -> Card:
    return Card(product_id=1, lot_id=n, lot_code=f"YY-P25-{n:06d}", serial_first=1, serial_last=100, story_version=1,
                pages={"zh_CN": (b"<p>", b"</p>")})


def cached(cards: Cards, n: int) -> bool:
    try:
        return cards.get("06920001234508", f"YY-P25-{n:06d}", "zh_CN", cached_only=True).lot_id == n
    except NotCached:
        return False


def test_a_full_cache_lets_the_least_recently_scanned_lot_go():
    cards = Cards(limit=3)
    for n in (1, 2, 3):
        cards.keep("06920001234508", f"YY-P25-{n:06d}", card(n))
    assert cached(cards, 1)  # lot 1 scanned again: now the most recent
    cards.keep("06920001234508", "YY-P25-000004", card(4))
    assert [n for n in (1, 2, 3, 4) if cached(cards, n)] == [1, 3, 4]


def test_a_lot_not_cached_in_a_language_is_not_served_from_the_cache():
    cards = Cards(limit=3)
    cards.keep("06920001234508", "YY-P25-000001", card(1))
    with pytest.raises(NotCached):
        cards.get("06920001234508", "YY-P25-000001", "en", cached_only=True)
