"""Helpers for the warning tests: evaluate and read back a kind's warnings."""

from datetime import datetime, timezone

from sqlmodel import select

from oilchain.brain import warnings
from oilchain.brain.models import Warning, WarningRule
from oilchain.public.models import SerialScan

from .. import chain


def evaluate(session, day, kind: str) -> list[Warning]:
    """Evaluate one rule for `day`, commit, and give all its warnings (every state), oldest first."""
    warnings.evaluate(session, day, kinds=(kind,))
    session.commit()
    return of_kind(session, kind)


def of_kind(session, kind: str) -> list[Warning]:
    session.expire_all()
    return list(session.exec(select(Warning).where(Warning.kind == kind).order_by(Warning.id)))


def standing(session, kind: str) -> list[Warning]:
    return [w for w in of_kind(session, kind) if w.state != "resolved"]


def set_thresholds(session, kind: str, **values) -> None:
    rule = session.exec(select(WarningRule).where(WarningRule.kind == kind)).one()
    rule.thresholds = dict(rule.thresholds, **values)
    session.add(rule)
    session.commit()


def appears_once_then_resolves(session, day, kind: str, subject: tuple, remove, day_after=None) -> Warning:
    """The warning of `subject` appears once, stays one row on a rerun, and
    is resolved once `remove()` took the condition away."""
    found = evaluate(session, day, kind)
    assert [(w.subject_kind, w.subject_id, w.state) for w in found] == [(*subject, "open")]
    first = found[0]
    again = evaluate(session, day, kind)
    assert [(w.id, w.state) for w in again] == [(first.id, "open")]
    assert again[0].first_seen == first.first_seen
    remove()
    after = evaluate(session, day_after or day, kind)
    assert [(w.id, w.state) for w in after] == [(first.id, "resolved")]
    assert after[0].resolved_at is not None
    return after[0]


def acknowledge_in_browser(page, warning_id: int, reason: str) -> str:
    """On /brain/warnings in Playwright: the card's htmx form sent without a
    reason is refused next to the field (nothing else changes), then with
    `reason` the card swaps to acknowledged; gives the card's text."""
    card = f"#warning-{warning_id}"
    page.locator(f"{card} button[type=submit]").click()
    page.locator(f"{card} #w{warning_id}-reason-error").wait_for()
    assert page.locator(f"{card}.warning-open").count() == 1
    page.fill(f"#w{warning_id}-reason", reason)
    page.locator(f"{card} button[type=submit]").click()
    page.locator(f"{card}.warning-acknowledged").wait_for()
    text = page.locator(card).inner_text()
    assert reason in text
    return text


def copied_code_warning(app, world) -> int:
    """The whole chain, and a copied-code warning about the processor's
    product lot (a bottle scanned from nine networks): its id."""
    with chain.db_session(app) as session:
        built = chain.full_chain(session, world)
        at = datetime(2025, 12, 10, tzinfo=timezone.utc)
        session.add(SerialScan(lot_id=built.product_lot.id, serial=3, first_scan_at=at, last_scan_at=at, count=9,
                               networks=9))
        session.commit()
        return evaluate(session, chain.TODAY.date(), "copied_code")[0].id
