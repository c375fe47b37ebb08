"""Harvest: fresh-fruit lots from a cooperative's plots, drying and hulling."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from .. import db
from ..auth.actor import Actor
from ..db import MAX_ID
from ..errors import DomainError, Invalid
from ..ledger.models import Lot
from ..ledger import NewLot, record_event
from ..planting.models import Plot
from ..planting.services import own_plot
from ..units import NotExact, centimu_to_mu, g_to_kg, kg_to_g, normalized
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


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class SyncResult:
    uuid: str
    status: str  # created, duplicate, refused
    lot_code: str | None = None
    reason: str | None = None
    field: str | None = None


def sync_entry(session: Session, *, actor: Actor, entry: dict) -> SyncResult:
    """One entry from a tablet's outbox. The tablet's UUID makes it
    idempotent: an entry that arrives twice (a retry after a lost answer)
    makes one lot, and the second answer says so. A refusal carries the
    reason for the member to read on the tablet."""
    uuid = str(entry.get("uuid", "")).lower()
    if not UUID_RE.fullmatch(uuid):
        return SyncResult(uuid=uuid, status="refused", reason=str(_l("This entry has no valid identifier.")))
    known = session.exec(select(HarvestRecord, Lot).join(Lot, Lot.id == HarvestRecord.lot_id).where(HarvestRecord.client_uuid == uuid)).first()
    if known is not None:
        record, lot = known
        plot = session.get(Plot, record.plot_id)
        if plot.cooperative_id != actor.org_id:
            return SyncResult(uuid=uuid, status="refused", reason=str(_l("This entry belongs to another cooperative.")))
        return SyncResult(uuid=uuid, status="duplicate", lot_code=lot.code)
    try:
        plot_id = int(entry.get("plot_id"))
        pickers = int(entry.get("pickers"))
        harvested_on = date.fromisoformat(str(entry.get("harvested_on")))
        if not 0 < plot_id <= MAX_ID:
            raise ValueError(plot_id)
    except (TypeError, ValueError):
        return SyncResult(uuid=uuid, status="refused", reason=str(_l("This entry is incomplete: choose a plot, a date and the pickers.")))
    try:
        weight_g = kg_to_g(str(entry.get("weight", "")).strip())
    except NotExact:
        return SyncResult(uuid=uuid, status="refused", field="weight", reason=str(_l("The weight must be a number of kg, to the gram.")))
    recorded_at = parse_moment(entry.get("recorded_at"))
    try:
        lot = log_harvest(
            session, actor=actor, plot_id=plot_id, weight_g=weight_g, harvested_on=harvested_on, pickers=pickers,
            client_uuid=uuid, recorded_at=recorded_at,
        )
    except DomainError as error:
        return SyncResult(uuid=uuid, status="refused", reason=str(error.message), field=error.field)
    return SyncResult(uuid=uuid, status="created", lot_code=lot.code)


class _NotCreated(DomainError):
    """Carries a duplicate's or a refusal's answer out of the commit path, so
    that nothing of the entry is written."""

    def __init__(self, result: SyncResult):
        super().__init__(result.reason or result.status)
        self.result = result


def sync_one(session: Session, *, actor: Actor, entry: dict) -> SyncResult:
    """One entry of a tablet's outbox through the commit path: committed
    when it makes a lot, else nothing written. Two tablets (or a retry)
    racing with one entry meet the UUID's unique index; the commit path then
    runs the entry again, which finds the other's lot: `duplicate`."""

    def work():
        result = sync_entry(session, actor=actor, entry=entry)
        if result.status != "created":
            raise _NotCreated(result)
        return result

    try:
        return db.transaction(session, work)
    except _NotCreated as answer:
        return answer.result


def parse_moment(value) -> datetime | None:
    """The tablet's clock reading (ISO 8601 with an offset), or None."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


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
