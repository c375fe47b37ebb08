"""What became of a batch's dispatched seedlings: the plantings each
dispatch went into, their latest survival check and their acceptance, so
the nursery answers for its batches and the bureau sees whose seedlings
survive (the batch's page)."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..admin.models import Township
from ..auth.models import Organization
from ..ledger.models import STANDING, Event, EventLine
from ..planting.models import Acceptance, PlantingRecord, Plot, SurvivalCheck
from ..planting.services import latest_survival_checks
from .models import GradingStandard, SeedlingDispatch
from .seedling_labels import bundles_of


@dataclass
class Outcome:
    """One dispatch's plantings, summed."""

    township: str | None = None
    cooperative: str | None = None
    bundles: int = 0  # at the bundle size now in force (what its labels print)
    plantings: int = 0
    planted: int = 0  # seedlings planted
    checked: int = 0  # seedlings of plantings with a survival check
    surviving_permille: int | None = None  # the latest checks, weighted by seedlings
    accepted: int = 0  # plantings accepted
    accepted_centimu: int = 0
    rows: list = field(default_factory=list)  # (planting, latest check or None, acceptance or None)


def outcomes(session: Session, dispatches: list[SeedlingDispatch]) -> dict[int, Outcome]:
    """Per dispatch id: where it went and what its plantings did."""
    found = {d.id: Outcome() for d in dispatches}
    sizes = {s.grade: s.plants_per_bundle for s in session.exec(select(GradingStandard))}
    for d in dispatches:
        if sizes.get(d.grade):
            found[d.id].bundles = bundles_of(d.quantity, sizes[d.grade])
    plot_ids = {d.plot_id for d in dispatches if d.plot_id}
    if plot_ids:
        places = {pid: (town, coop) for pid, town, coop in session.exec(
            select(Plot.id, Township.name, Organization.name)
            .join(Township, Township.id == Plot.township_id)
            .join(Organization, Organization.id == Plot.cooperative_id)
            .where(Plot.id.in_(plot_ids)))}
        for d in dispatches:
            if d.plot_id:
                found[d.id].township, found[d.id].cooperative = places[d.plot_id]
    by_lot = {d.dispatch_lot_id: d.id for d in dispatches if d.dispatch_lot_id}
    if not by_lot:
        return found
    plantings = list(session.exec(
        select(EventLine.lot_id, PlantingRecord)
        .join(PlantingRecord, PlantingRecord.event_id == EventLine.event_id)
        .join(Event, Event.id == EventLine.event_id)
        .where(EventLine.lot_id.in_(list(by_lot)), EventLine.role == "input", STANDING)
        .order_by(PlantingRecord.planted_on, PlantingRecord.id)
    ))
    ids = [record.id for _lot, record in plantings]
    latest = {}
    if ids:
        newest = latest_survival_checks()
        latest = {c.planting_id: c for c in session.exec(
            select(SurvivalCheck).join(newest, newest.c.check_id == SurvivalCheck.id).where(SurvivalCheck.planting_id.in_(ids)))}
    accepted = {a.planting_id: a for a in session.exec(select(Acceptance).where(Acceptance.planting_id.in_(ids)))} if ids else {}
    weighted = {}
    for lot_id, record in plantings:
        outcome = found[by_lot[lot_id]]
        check, acceptance = latest.get(record.id), accepted.get(record.id)
        outcome.rows.append((record, check, acceptance))
        outcome.plantings += 1
        outcome.planted += record.seedlings
        if check is not None:
            outcome.checked += record.seedlings
            weighted[by_lot[lot_id]] = weighted.get(by_lot[lot_id], 0) + record.seedlings * check.survival_permille
        if acceptance is not None:
            outcome.accepted += 1
            outcome.accepted_centimu += acceptance.accepted_area_centimu
    for dispatch_id, total in weighted.items():
        outcome = found[dispatch_id]
        outcome.surviving_permille = (total + outcome.checked // 2) // outcome.checked if outcome.checked else None
    return found
