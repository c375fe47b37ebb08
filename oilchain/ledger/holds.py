"""Holds: a lot on hold under an open recall may not be consumed (but
received, corrected or disposed of); what is made from held lots, or
harvested on a held plot, is held by the same recalls."""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from ..errors import Invalid
from ..errors import Message as _l
from .models import Hold, Lot, PlotHold


def holds_on(session: Session, lot_ids) -> dict[int, int]:
    """The lots among `lot_ids` on hold, each with the (first) recall holding it."""
    ids = list(set(lot_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Hold.lot_id, func.min(Hold.recall_id)).where(Hold.lot_id.in_(ids), Hold.lifted_at.is_(None)).group_by(Hold.lot_id)
    )
    return dict(rows.all())


def refuse_held(session: Session, lots: list[Lot], fields: dict[int, str | None] | str = "code") -> None:
    """A held lot may not be consumed, shipped, sold or marked: the refusal
    names the recall; `fields` is the field it belongs to (or, per lot id,
    the lot's own field, None for a form with a field per lot)."""
    held = holds_on(session, [lot.id for lot in lots])
    for lot in lots:
        if lot.id in held:
            raise Invalid(
                _l("Lot %(code)s is on hold under recall #%(recall)s: it cannot be used, shipped or sold until the "
                   "bureau closes the recall (it may still be received, corrected or disposed of).",
                   code=lot.code, recall=held[lot.id]),
                field=fields.get(lot.id) if isinstance(fields, dict) else fields,
                lot=lot.code,
            )


def hold_outputs(session: Session, inputs: list[Lot], outputs: list[Lot], plot_id: int | None, occurred_on: date) -> None:
    """What is made from held lots, or harvested on a held plot, is held by
    the same recalls, in the same transaction."""
    if not outputs:
        return
    recalls = set(session.exec(
        select(Hold.recall_id).where(Hold.lot_id.in_([lot.id for lot in inputs] or [0]), Hold.lifted_at.is_(None))
    ))
    if plot_id is not None:
        for recall_id, from_day in session.exec(
            select(PlotHold.recall_id, PlotHold.from_day).where(PlotHold.plot_id == plot_id, PlotHold.lifted_at.is_(None))
        ):
            if from_day is None or occurred_on >= from_day:
                recalls.add(recall_id)
    for recall_id in sorted(recalls):
        for lot in outputs:
            session.add(Hold(recall_id=recall_id, lot_id=lot.id))
    session.flush()
