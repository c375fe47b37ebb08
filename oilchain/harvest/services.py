"""Harvest: fresh-fruit lots from a cooperative's plots, drying and hulling."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from ..auth.actor import Actor
from ..errors import Invalid
from ..ledger.models import Lot
from ..ledger import NewLot, record_event
from ..planting.models import Plot
from ..planting.services import own_plot
from ..units import centimu_to_mu, g_to_kg, normalized
from .models import HarvestRecord

# Fresh fruit per mu per year beyond which an entry is a typo, not a harvest
# (a good mature plantation gives 100-200 kg seed/mu, about 400-800 kg fruit).
MAX_FRUIT_G_PER_MU = 3_000_000
MAX_PICKERS = 1000  # more on one plot in one day is a typo


def log_harvest(
    session: Session,
    *,
    actor: Actor,
    plot_id: int,
    weight_g: int,
    harvested_on: date,
    pickers: int,
    client_uuid: str | None = None,
    recorded_at: datetime | None = None,
) -> Lot:
    """Fresh fruit picked on a plot becomes a lot. The plot is locked, so
    racing entries on one plot cannot together pass its year's limit."""
    plot = own_plot(session, actor, plot_id, for_update=True)
    if weight_g <= 0:
        raise Invalid(_l("The weight must be more than zero."), field="weight")
    if pickers < 1:
        raise Invalid(_l("At least one picker."), field="pickers")
    if pickers > MAX_PICKERS:
        raise Invalid(_l("At most %(most)s pickers.", most=MAX_PICKERS), field="pickers")
    year_total = harvested_from(session, plot, harvested_on.year) + weight_g
    if year_total * 100 > MAX_FRUIT_G_PER_MU * plot.area_centimu:
        raise Invalid(
            _l(
                "That would make %(kg)s kg of fruit this year from %(mu)s mu, more than a plot can bear. Check the weight.",
                kg=normalized(g_to_kg(year_total)),
                mu=normalized(centimu_to_mu(plot.area_centimu)),
            ),
            field="weight",
        )
    recorded = record_event(
        session,
        actor=actor,
        kind="harvest",
        occurred_on=harvested_on,
        outputs=[NewLot("fruit", weight_g, field="weight")],
        plot_id=plot.id,
    )
    lot = recorded.outputs[0]
    session.add(
        HarvestRecord(
            lot_id=lot.id, plot_id=plot.id, harvested_on=harvested_on, pickers=pickers,
            client_uuid=client_uuid, recorded_at=recorded_at,
        )
    )
    session.flush()
    return lot


def harvested_from(session: Session, plot: Plot, year: int | None = None) -> int:
    """Fresh fruit logged on a plot (in a year, or ever), reversed entries left out."""
    query = (
        select(func.coalesce(func.sum(Lot.quantity), 0))
        .join(HarvestRecord, HarvestRecord.lot_id == Lot.id)
        .where(HarvestRecord.plot_id == plot.id, Lot.status != "reversed")
    )
    if year is not None:
        query = query.where(HarvestRecord.harvested_on.between(date(year, 1, 1), date(year, 12, 31)))
    return int(session.exec(query).one())


def dry_and_hull(
    session: Session, *, actor: Actor, inputs: list[tuple[Lot, int]], seed_g: int, husk_g: int, occurred_on: date
) -> list[Lot]:
    """Fruit lots in, one seed lot and one husk lot out; the rest is moisture lost."""
    for lot, _amount in inputs:
        if lot.kind != "fruit":
            raise Invalid(_l("Lot %(code)s is not fresh fruit.", code=lot.code), lot=lot.code)
    if seed_g <= 0:
        raise Invalid(_l("The seed weight must be more than zero."), field="seed")
    if husk_g < 0:
        raise Invalid(_l("The husk weight cannot be negative."), field="husk")
    outputs = [NewLot("seed", seed_g, field="seed")]
    if husk_g:
        outputs.append(NewLot("husk", husk_g, field="husk"))
    recorded = record_event(
        session, actor=actor, kind="dry_hull", occurred_on=occurred_on, inputs=inputs, outputs=outputs, step="dry_hull"
    )
    return recorded.outputs


def harvests_of(session: Session, org_id: int, limit: int = 200) -> list[tuple[Lot, HarvestRecord, Plot]]:
    return list(
        session.exec(
            select(Lot, HarvestRecord, Plot)
            .join(HarvestRecord, HarvestRecord.lot_id == Lot.id)
            .join(Plot, Plot.id == HarvestRecord.plot_id)
            .where(Plot.cooperative_id == org_id)
            .order_by(HarvestRecord.harvested_on.desc(), Lot.id.desc())
            .limit(limit)
        )
    )
