"""Nursery: seedling batches and their dispatch to plots."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..admin.models import Variety
from ..admin.services import active_variety
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.models import Lot
from ..ledger.services import NewLot, get_lot, record_event
from ..planting.models import Plot
from .models import PROPAGATION_METHODS, SeedlingBatch


def register_batch(
    session: Session,
    *,
    actor: Actor,
    variety_id: int,
    propagation: str,
    raised_quantity: int,
    grade1: int,
    grade2: int,
    rejected: int,
    licence_no: str,
    certificate_no: str,
    graded_on: date,
) -> Lot:
    """A graded batch: its lot holds the grade I and II plants, the ones that may be dispatched."""
    if actor.role != "nursery":
        raise Forbidden(_l("Only a nursery registers seedling batches."))
    active_variety(session, variety_id)
    if propagation not in PROPAGATION_METHODS:
        raise Invalid(_l("Choose a propagation method from the list."), field="propagation")
    if raised_quantity <= 0:
        raise Invalid(_l("The number of seedlings raised must be more than zero."), field="raised_quantity")
    if min(grade1, grade2, rejected) < 0:
        raise Invalid(_l("Grade counts cannot be negative."), field="grade1")
    if grade1 + grade2 + rejected != raised_quantity:
        raise Invalid(
            _l(
                "Grade I (%(g1)s) + grade II (%(g2)s) + rejected (%(rej)s) must add up to the %(total)s raised.",
                g1=grade1, g2=grade2, rej=rejected, total=raised_quantity,
            ),
            field="rejected",
        )
    if grade1 + grade2 == 0:
        raise Invalid(_l("A batch with no grade I or II seedlings has nothing to dispatch."), field="grade1")
    recorded = record_event(
        session,
        actor=actor,
        kind="commission",
        occurred_on=graded_on,
        outputs=[NewLot("seedling", grade1 + grade2)],
    )
    lot = recorded.outputs[0]
    session.add(
        SeedlingBatch(
            lot_id=lot.id,
            variety_id=variety_id,
            propagation=propagation,
            raised_quantity=raised_quantity,
            grade1=grade1,
            grade2=grade2,
            rejected=rejected,
            licence_no=licence_no.strip(),
            certificate_no=certificate_no.strip(),
            graded_on=graded_on,
        )
    )
    session.flush()
    return lot


def dispatch(session: Session, *, actor: Actor, batch_code: str, plot_id: int, quantity: int, dispatched_on: date) -> Lot:
    """Seedlings leave the nursery for a plot: a dispatch lot owned by the plot's cooperative."""
    lot = get_lot(session, batch_code)
    if lot.kind != "seedling":
        raise Invalid(_l("Lot %(code)s is not a seedling batch.", code=lot.code), field="batch_code")
    plot = session.get(Plot, plot_id)
    if plot is None:
        raise NotFound(_l("Choose a plot from the list."), field="plot_id")
    recorded = record_event(
        session,
        actor=actor,
        kind="dispatch",
        occurred_on=dispatched_on,
        inputs=[(lot, quantity)],
        outputs=[NewLot("dispatch", quantity, owner_org_id=plot.cooperative_id)],
        plot_id=plot.id,
        input_fields={lot.id: "quantity"},
    )
    return recorded.outputs[0]


def batches(session: Session, org_id: int) -> list[tuple[Lot, SeedlingBatch, str]]:
    """The nursery's batches with their variety's name, newest first."""
    return list(
        session.exec(
            select(Lot, SeedlingBatch, Variety.name)
            .join(SeedlingBatch, SeedlingBatch.lot_id == Lot.id)
            .join(Variety, Variety.id == SeedlingBatch.variety_id)
            .where(Lot.owner_org_id == org_id)
            .order_by(Lot.id.desc())
        )
    )
