"""Nursery: seedling batches as the seedling regulations run them.

A batch is registered when it is sown or grafted, grows, is graded against
the grading standard, is certified with its documents, and only then may its
grade I and grade II plants be dispatched: to a plot in the county or to a
buyer outside it, never more than remain of the grade.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from .. import db
from ..admin.models import Variety
from ..admin.services import active_variety, audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..labels import GRADE_NAMES, PROPAGATION, STAGES
from ..ledger.models import STANDING, Event, Lot
from ..events import EventReversed
from ..ledger import NewLot, check_date, get_lot, record_event, refuse_held, require_owned
from ..planting.models import Plot
from .models import GRADES, PROPAGATION_METHODS, DispatchAgeLimit, GradingStandard, SeedlingBatch, SeedlingDispatch

DISPATCHABLE_STAGES = ("certified", "dispatched")


def register_batch(
    session: Session,
    *,
    actor: Actor,
    variety_id: int,
    propagation: str,
    seed_source: str,
    quantity: int,
    started_on: date,
) -> Lot:
    """A batch sown or grafted: its lot holds every plant started."""
    if actor.role != "nursery":
        raise Forbidden(_l("Only a nursery registers seedling batches."))
    active_variety(session, variety_id)
    if propagation not in PROPAGATION_METHODS:
        raise Invalid(_l("Choose a propagation method from the list."), field="propagation")
    if not seed_source.strip():
        raise Invalid(_l("Name the seed source (scion orchard or seed stand)."), field="seed_source")
    if quantity <= 0:
        raise Invalid(_l("The number of plants must be more than zero."), field="quantity")
    recorded = record_event(
        session, actor=actor, kind="commission", occurred_on=started_on, outputs=[NewLot("seedling", quantity, field="quantity")]
    )
    lot = recorded.outputs[0]
    session.add(
        SeedlingBatch(
            lot_id=lot.id,
            variety_id=variety_id,
            propagation=propagation,
            seed_source=seed_source.strip(),
            started_on=started_on,
            started_quantity=quantity,
            stage="grafted" if propagation == "grafting" else "sown",
        )
    )
    session.flush()
    return lot


def own_batch(session: Session, actor: Actor, code: str, field: str = "code") -> tuple[Lot, SeedlingBatch]:
    """The actor's batch, locked: every step on a batch reads its stage and
    grade counts, checks and writes, so racing steps on one batch take turns."""
    lot = get_lot(session, code, for_update=True)
    batch = session.get(SeedlingBatch, lot.id, populate_existing=True)
    if batch is None:
        raise Invalid(_l("Lot %(code)s is not a seedling batch.", code=lot.code), field=field)
    require_owned(lot, actor, field)
    return lot, batch


def mark_growing(session: Session, *, actor: Actor, code: str, on: date) -> SeedlingBatch:
    lot, batch = own_batch(session, actor, code)
    check_date(on)
    if batch.stage not in ("sown", "grafted"):
        raise Invalid(_l("Only a batch just sown or grafted can move to growing."), field="code")
    if on < batch.started_on:
        raise Invalid(_l("The date cannot come before the batch was started."), field="occurred_on")
    batch.stage, batch.growing_on = "growing", on
    audit(session, user_id=actor.user_id, action="growing", entity="seedling_batch", entity_id=lot.id, on=on)
    session.add(batch)
    session.flush()
    return batch


def age_limits(session: Session) -> dict[str, int]:
    return {row.propagation: row.max_age_days for row in session.exec(select(DispatchAgeLimit))}


def set_age_limit(session: Session, *, actor: Actor, propagation: str, max_age_days: int) -> DispatchAgeLimit:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau sets the dispatch age limits."))
    if propagation not in PROPAGATION_METHODS:
        raise Invalid(_l("Choose a propagation method from the list."), field="propagation")
    if not 30 <= max_age_days <= 3650:
        raise Invalid(_l("The limit lies between 30 and 3,650 days."), field="max_age_days")
    row = session.get(DispatchAgeLimit, propagation) or DispatchAgeLimit(propagation=propagation, max_age_days=max_age_days)
    row.max_age_days = max_age_days
    session.add(row)
    audit(session, user_id=actor.user_id, action="save", entity="dispatch_age_limit", entity_id=None,
          propagation=propagation, max_age_days=max_age_days)
    session.flush()
    return row


def standards(session: Session) -> dict[int, GradingStandard]:
    return {s.grade: s for s in session.exec(select(GradingStandard))}


def grade_batch(
    session: Session, *, actor: Actor, code: str, grade1: int, grade2: int, rejected: int, graded_on: date
) -> SeedlingBatch:
    """Count the plants by grade against the standard in force. Rejects and
    plants that died leave the lot; grade I and II stay in it."""
    lot, batch = own_batch(session, actor, code)
    if batch.stage not in ("sown", "grafted", "growing"):
        raise Invalid(_l("This batch has been graded already; reverse the grading to grade it again."), field="code")
    if min(grade1, grade2, rejected) < 0:
        raise Invalid(_l("Grade counts cannot be negative."), field="grade1")
    counted = grade1 + grade2 + rejected
    if counted > lot.remaining:
        raise Invalid(
            _l(
                "Grade I (%(g1)s) + grade II (%(g2)s) + rejected (%(rej)s) is more than the %(total)s plants in the batch.",
                g1=grade1, g2=grade2, rej=rejected, total=lot.remaining,
            ),
            field="rejected",
        )
    if grade1 + grade2 == 0:
        raise Invalid(_l("A batch with no grade I or II seedlings has nothing to dispatch."), field="grade1")
    if graded_on < batch.started_on:
        raise Invalid(_l("The date cannot come before the batch was started."), field="occurred_on")
    thresholds = standards(session)
    if set(thresholds) != set(GRADES):
        raise Invalid(_l("The grading standard is not set; ask the bureau to enter it."))
    keep = grade1 + grade2
    recorded = record_event(
        session,
        actor=actor,
        kind="grade",
        occurred_on=graded_on,
        adjustments=[(lot, keep - lot.remaining)],
        loss=lot.remaining - keep,  # rejected, and plants that died while growing
    )
    batch.stage, batch.graded_on, batch.grade_event_id = "graded", graded_on, recorded.event.id
    batch.grade1, batch.grade2, batch.rejected = grade1, grade2, rejected
    batch.grade1_min_height_mm = thresholds[1].min_height_mm
    batch.grade1_min_diameter_dmm = thresholds[1].min_diameter_dmm
    batch.grade2_min_height_mm = thresholds[2].min_height_mm
    batch.grade2_min_diameter_dmm = thresholds[2].min_diameter_dmm
    session.add(batch)
    session.flush()
    return batch


def undo_grading(session: Session, happened: EventReversed) -> None:
    """A reversed grading puts the batch back to the stage before it."""
    if happened.kind != "grade":
        return
    batch = session.exec(select(SeedlingBatch).where(SeedlingBatch.grade_event_id == happened.event_id)).one()
    batch.stage = "growing" if batch.growing_on else ("grafted" if batch.propagation == "grafting" else "sown")
    batch.graded_on = batch.grade_event_id = batch.grade1 = batch.grade2 = batch.rejected = None
    batch.grade1_min_height_mm = batch.grade1_min_diameter_dmm = None
    batch.grade2_min_height_mm = batch.grade2_min_diameter_dmm = None
    batch.certified_on = None
    session.add(batch)


def certify_batch(
    session: Session,
    *,
    actor: Actor,
    code: str,
    licence_no: str,
    certificate_no: str,
    label_no: str,
    quarantine_no: str,
    certified_on: date,
) -> SeedlingBatch:
    """The documents that let a graded batch leave the nursery ("两证一签" and quarantine)."""
    lot, batch = own_batch(session, actor, code)
    check_date(certified_on)
    if batch.stage != "graded":
        raise Invalid(_l("Only a graded batch can be certified."), field="code")
    documents = {"licence_no": licence_no, "certificate_no": certificate_no, "label_no": label_no, "quarantine_no": quarantine_no}
    for name, value in documents.items():
        if not (value or "").strip():
            raise Invalid(_l("This document number is required before seedlings can leave the nursery."), field=name)
    if certified_on < batch.graded_on:
        raise Invalid(_l("The batch cannot be certified before it was graded."), field="occurred_on")
    for name, value in documents.items():
        setattr(batch, name, value.strip())
    batch.stage, batch.certified_on = "certified", certified_on
    audit(session, user_id=actor.user_id, action="certify", entity="seedling_batch", entity_id=lot.id, **documents)
    session.add(batch)
    session.flush()
    return batch


def grades_left(session: Session, batches: list[SeedlingBatch]) -> dict[int, dict[int, int]]:
    """Grade I and II seedlings still to dispatch, per batch lot id (one query
    for all of them)."""
    graded = [batch for batch in batches if batch.grade1 is not None]
    sent = {batch.lot_id: {grade: 0 for grade in GRADES} for batch in graded}
    if graded:
        for lot_id, grade, total in session.exec(
            select(SeedlingDispatch.batch_lot_id, SeedlingDispatch.grade, func.sum(SeedlingDispatch.quantity))
            .join(Event, Event.id == SeedlingDispatch.event_id)
            .where(SeedlingDispatch.batch_lot_id.in_(list(sent)), STANDING)
            .group_by(SeedlingDispatch.batch_lot_id, SeedlingDispatch.grade)
        ):
            sent[lot_id][grade] = int(total)
    left = {batch.lot_id: {grade: 0 for grade in GRADES} for batch in batches}
    for batch in graded:
        left[batch.lot_id] = {1: batch.grade1 - sent[batch.lot_id][1], 2: batch.grade2 - sent[batch.lot_id][2]}
    return left


def remaining_by_grade(session: Session, batch: SeedlingBatch) -> dict[int, int]:
    return grades_left(session, [batch])[batch.lot_id]


def dispatch(
    session: Session,
    *,
    actor: Actor,
    batch_code: str,
    grade: int,
    quantity: int,
    dispatched_on: date,
    plot_id: int | None = None,
    destination: str = "",
) -> SeedlingDispatch:
    """Certified seedlings of one grade to a plot in the county (they become a
    dispatch lot of the plot's cooperative) or to a named buyer outside it.
    The batch is locked (own_batch), so racing dispatches read each other's
    grade counts."""
    if plot_id is not None and destination.strip():
        raise Invalid(_l("Choose a plot in the county or name a buyer outside it, not both."), field="destination")
    lot, batch = own_batch(session, actor, batch_code, field="batch_code")
    refuse_held(session, [lot], "batch_code")
    check_dispatchable(session, lot, batch, grade, quantity, dispatched_on)
    plot = None
    if plot_id is not None:
        plot = session.get(Plot, plot_id)
        if plot is None:
            raise NotFound(_l("Choose a plot from the list."), field="plot_id")
    elif not destination.strip():
        raise Invalid(_l("Choose a plot in the county, or name the buyer and place outside it."), field="destination")
    outputs = [NewLot("dispatch", quantity, owner_org_id=plot.cooperative_id)] if plot else []
    recorded = record_event(
        session,
        actor=actor,
        kind="dispatch",
        occurred_on=dispatched_on,
        inputs=[(lot, quantity)],
        outputs=outputs,
        plot_id=plot.id if plot else None,
        input_fields={lot.id: "quantity"},
        note="" if plot else db.fit(destination, Event.note),
    )
    record = SeedlingDispatch(
        event_id=recorded.event.id,
        batch_lot_id=lot.id,
        grade=grade,
        quantity=quantity,
        plot_id=plot.id if plot else None,
        dispatch_lot_id=recorded.outputs[0].id if outputs else None,
        destination="" if plot else db.fit(destination, SeedlingDispatch.destination),
        dispatched_on=dispatched_on,
    )
    session.add(record)
    session.flush()
    update_dispatched_stage(session, lot, batch)
    return record


def check_dispatchable(session: Session, lot: Lot, batch: SeedlingBatch, grade: int, quantity: int, on: date) -> None:
    """A certified batch, with enough of the grade left, not too old to transplant."""
    if batch.stage not in DISPATCHABLE_STAGES:
        raise Invalid(_l("Only a certified batch can be dispatched; this one is %(stage)s.", stage=stage_label(batch.stage)),
                      field="batch_code")
    if grade not in GRADES:
        raise Invalid(_l("Choose grade I or grade II."), field="grade")
    left = remaining_by_grade(session, batch)[grade]
    if quantity > left:
        raise Invalid(
            _l("Only %(left)s %(grade)s seedlings of batch %(code)s remain; %(asked)s were asked for.",
               left=left, grade=GRADE_NAMES[grade], code=lot.code, asked=quantity),
            field="quantity",
        )
    if on < batch.certified_on:
        raise Invalid(_l("Seedlings cannot leave before the batch was certified."), field="occurred_on")
    limit = session.get(DispatchAgeLimit, batch.propagation)
    age = (on - batch.started_on).days
    if limit is not None and age > limit.max_age_days:
        raise Invalid(
            _l("Batch %(code)s was started on %(started)s: on %(day)s it is %(age)s days old, past the limit of "
               "%(limit)s days for %(method)s; it may no longer be dispatched.",
               code=lot.code, started=batch.started_on.isoformat(), day=on.isoformat(), age=age,
               limit=limit.max_age_days, method=PROPAGATION.get(batch.propagation, batch.propagation)),
            field="occurred_on",
        )


def update_dispatched_stage(session: Session, lot: Lot, batch: SeedlingBatch) -> None:
    """A certified batch with nothing left reads "dispatched"; a reversal brings it back."""
    session.refresh(lot)
    if batch.stage in DISPATCHABLE_STAGES:
        batch.stage = "dispatched" if lot.remaining == 0 else "certified"
        session.add(batch)
        session.flush()


def reopen_after_dispatch(session: Session, happened: EventReversed) -> None:
    """A reversed dispatch gives its seedlings back: the batch is certified (not dispatched) again."""
    if happened.kind != "dispatch":
        return
    record = session.exec(select(SeedlingDispatch).where(SeedlingDispatch.event_id == happened.event_id)).one()
    lot = session.get(Lot, record.batch_lot_id)
    update_dispatched_stage(session, lot, session.get(SeedlingBatch, lot.id))


def stage_label(stage: str):
    return STAGES.get(stage, stage)


def batches(session: Session, org_id: int, codes=None) -> list[tuple[Lot, SeedlingBatch, str]]:
    """The nursery's batches with their variety's name, newest first (only
    those whose codes `codes` selects, when given: a start-page figure's)."""
    query = (
        select(Lot, SeedlingBatch, Variety.name)
        .join(SeedlingBatch, SeedlingBatch.lot_id == Lot.id)
        .join(Variety, Variety.id == SeedlingBatch.variety_id)
        .where(Lot.owner_org_id == org_id)
        .order_by(Lot.id.desc())
    )
    return list(session.exec(query if codes is None else query.where(Lot.code.in_(codes))))


def batches_at(session: Session, org_id: int, stages: tuple[str, ...], code: str | None = None) -> list[tuple[Lot, SeedlingBatch]]:
    """The organization's batches at `stages` (only the one of `code`, if given)."""
    query = (
        select(Lot, SeedlingBatch)
        .join(SeedlingBatch, SeedlingBatch.lot_id == Lot.id)
        .where(Lot.owner_org_id == org_id, SeedlingBatch.stage.in_(stages))
        .order_by(Lot.id)
    )
    if code is not None:
        query = query.where(Lot.code == code)
    return list(session.exec(query))


def dispatches_of(session: Session, batch_lot_id: int) -> list[tuple[SeedlingDispatch, Event, Plot | None]]:
    return list(
        session.exec(
            select(SeedlingDispatch, Event, Plot)
            .join(Event, Event.id == SeedlingDispatch.event_id)
            .outerjoin(Plot, Plot.id == SeedlingDispatch.plot_id)
            .where(SeedlingDispatch.batch_lot_id == batch_lot_id)
            .order_by(SeedlingDispatch.id)
        )
    )
