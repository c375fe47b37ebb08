"""Seedling labels (苗木标签, the 标签 of 两证一签): one per bundle of a
certified batch's dispatch, with a QR code of its keyed code that anyone's
phone can check on a public page (nursery/public_views.py).

A label's code names the dispatch, the bundle and the plants a bundle of the
grade held when it was printed (codes.seedling_code); nothing is stored for
it. The bundle size is the grading standard's (data the bureau edits); since
each code carries its own, a label printed before the bureau changed it
still checks."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import codes
from ..admin.models import Township, Variety
from ..auth.models import Organization
from ..documents.labels import SeedlingLabel
from ..errors import Invalid, NotFound
from ..i18n import format_count, format_day
from ..ledger import get_lot
from ..ledger.recording import unknown_lot
from ..ledger.models import Event, Lot
from ..planting.models import Plot
from ..public.services import NotIssued
from .models import GradingStandard, SeedlingBatch, SeedlingDispatch
from .services import DISPATCHABLE_STAGES, stage_label

# What a web request prints at once (20 A4 pages); more is made in the background (downloads/).
SYNC_LABELS = 200
MAX_LABELS = 20_000  # per sheet, in the background
PATH = "/S/"  # the public page's path: upper case, for QR alphanumeric mode

# What a reader is told when a label's code was never issued, by reason (the unknown-code log's).
MESSAGES = {
    "seedling": _l("This seedling label is not genuine: its code does not match any label the nursery printed. "
                   "The seedlings may not be what the label says."),
    "seedling_void": _l("This seedling label's dispatch was withdrawn by the nursery as recorded in error: "
                        "the label is not valid."),
}


def qr_url(base_url: str, code: str) -> str:
    """The label's page as its QR code carries it (codes.qr_payload: scheme
    and host upper-cased, the path already upper-case): QR alphanumeric mode."""
    return codes.qr_payload(base_url.rstrip("/") + PATH + code)


def bundles_of(quantity: int, per_bundle: int) -> int:
    """Bundles a dispatch is tied in: whole bundles, the last one maybe smaller."""
    return -(-quantity // per_bundle)


def in_bundle(quantity: int, per_bundle: int, bundle: int) -> int:
    return min(per_bundle, quantity - (bundle - 1) * per_bundle)


@dataclass
class Dispatched:
    """A dispatch with what its labels and its public page say."""

    dispatch: SeedlingDispatch
    event: Event
    batch_lot: Lot
    batch: SeedlingBatch
    variety: Variety
    nursery: Organization
    township: str | None  # in the county: the plot's township and cooperative, never the plot itself
    cooperative: str | None


def dispatched(session: Session, dispatch: SeedlingDispatch) -> Dispatched:
    lot = session.get(Lot, dispatch.batch_lot_id)
    batch = session.get(SeedlingBatch, lot.id)
    township = cooperative = None
    if dispatch.plot_id is not None:
        township, cooperative = session.exec(
            select(Township.name, Organization.name)
            .join(Plot, Plot.township_id == Township.id)
            .join(Organization, Organization.id == Plot.cooperative_id)
            .where(Plot.id == dispatch.plot_id)
        ).one()
    return Dispatched(dispatch, session.get(Event, dispatch.event_id), lot, batch, session.get(Variety, batch.variety_id),
                      session.get(Organization, lot.owner_org_id), township, cooperative)


@dataclass
class Request:
    """A checked label request: the dispatch and the bundles to print."""

    found: Dispatched
    per_bundle: int
    bundles: int
    first: int
    last: int


def label_request(session: Session, *, actor, batch_code: str, dispatch_id: int | None, first: int | None = None,
                  last: int | None = None) -> Request:
    """Check a request for a dispatch's labels (default: all its bundles):
    a certified batch of the actor's nursery (or any, for the bureau), a
    standing dispatch of it, bundles within what was dispatched. `actor`
    None: the background worker, making a request checked when it was made."""
    lot = get_lot(session, batch_code)
    batch = session.get(SeedlingBatch, lot.id)
    if batch is None:
        raise Invalid(_l("Lot %(code)s is not a seedling batch.", code=lot.code), field="batch_code")
    if actor is not None and not actor.is_bureau and lot.owner_org_id != actor.org_id:
        raise unknown_lot(lot.code)  # as for a code that names no lot
    if batch.stage not in DISPATCHABLE_STAGES:
        raise Invalid(_l("Batch %(code)s is not certified (it is %(stage)s): only certified seedlings are labelled.",
                         code=lot.code, stage=stage_label(batch.stage)), field="batch_code")
    # An id no integer column holds names no dispatch (a fuzzed or mistyped address).
    dispatch = session.get(SeedlingDispatch, dispatch_id) if dispatch_id and 0 < dispatch_id < 2**31 else None
    if dispatch is None or dispatch.batch_lot_id != lot.id:
        raise NotFound(_l("Choose one of batch %(code)s's dispatches.", code=lot.code), field="dispatch")
    found = dispatched(session, dispatch)
    if found.event.reversed_by_event_id is not None:
        raise Invalid(_l("This dispatch was reversed: its seedlings never left, no labels are printed."), field="dispatch")
    standard = session.get(GradingStandard, dispatch.grade)
    if standard is None or standard.plants_per_bundle <= 0:
        raise Invalid(_l("The bundle size of this grade is not set; ask the bureau to enter it."), field="dispatch")
    per_bundle = standard.plants_per_bundle
    bundles = bundles_of(dispatch.quantity, per_bundle)
    first = 1 if first is None else first
    last = bundles if last is None else last
    if not 1 <= first <= last <= bundles:
        raise Invalid(
            _l("%(quantity)s seedlings were dispatched, %(bundles)s bundles of %(size)s: choose bundles from 1 to "
               "%(bundles)s, the first not after the last.", quantity=format_count(dispatch.quantity), bundles=bundles,
               size=per_bundle),
            field="last",
        )
    if last - first + 1 > MAX_LABELS:
        raise Invalid(_l("At most %(n)s labels at a time: print the dispatch in parts.", n=format_count(MAX_LABELS)),
                      field="last")
    return Request(found, per_bundle, bundles, first, last)


def facts(found: Dispatched) -> list[str]:
    """What every label of the dispatch says besides its bundle's quantity (already translated)."""
    from ..labels import GRADE_NAMES

    batch, dispatch = found.batch, found.dispatch
    place = " · ".join((found.township, found.cooperative)) if found.township else dispatch.destination
    variety = found.variety.name
    if found.variety.improved and found.variety.approval_number:
        variety = _("%(name)s (improved variety %(number)s)", name=variety, number=found.variety.approval_number)
    return [
        _("Variety: %(name)s", name=variety),
        _("Grade: %(grade)s", grade=GRADE_NAMES.get(dispatch.grade, dispatch.grade)),
        _("Nursery: %(name)s", name=found.nursery.name),
        _("Licence no. %(number)s", number=batch.licence_no),
        _("Quality certificate no. %(number)s", number=batch.certificate_no),
        _("Quarantine certificate no. %(number)s", number=batch.quarantine_no),
        _("Batch %(code)s · label no. %(number)s", code=found.batch_lot.code, number=batch.label_no),
        _("Dispatched %(day)s", day=format_day(dispatch.dispatched_on)),
        _("Sent to %(place)s", place=place),
    ]


def seedling_labels(request: Request, *, key: str, base_url: str) -> list[SeedlingLabel]:
    dispatch = request.found.dispatch
    common = facts(request.found)
    made = []
    for bundle in range(request.first, request.last + 1):
        code = codes.seedling_code(key, dispatch.id, bundle, request.per_bundle)
        quantity = _("%(n)s plants · bundle %(bundle)s of %(bundles)s",
                     n=format_count(in_bundle(dispatch.quantity, request.per_bundle, bundle)), bundle=bundle,
                     bundles=request.bundles)
        made.append(SeedlingLabel(url=qr_url(base_url, code), code=code, title=_("Seedling label"),
                                  lines=[quantity] + common))
    return made


def sheet_title(request: Request) -> str:
    return _("Seedling labels of batch %(code)s, dispatch of %(day)s, bundles %(first)s–%(last)s",
             code=request.found.batch_lot.code, day=request.found.dispatch.dispatched_on.isoformat(),
             first=request.first, last=request.last)


def label_code(session: Session, key: str, dispatch: SeedlingDispatch, bundle: int = 1) -> str:
    """A bundle's code at the bundle size now in force (what a print would carry)."""
    return codes.seedling_code(key, dispatch.id, bundle, session.get(GradingStandard, dispatch.grade).plants_per_bundle)


@dataclass
class Verified:
    """A genuine label: its dispatch and what its bundle held."""

    found: Dispatched
    code: str
    bundle: int
    bundles: int
    per_bundle: int
    quantity: int  # plants in this bundle


def verify(session: Session, *, key: str, code: str) -> Verified:
    """A label's code checked: a wrong check, an unknown dispatch or a bundle
    the dispatch never had raises NotIssued (the caller logs it)."""
    parsed = codes.parse_seedling_code(key, code)
    if parsed is None:
        raise NotIssued(MESSAGES["seedling"], "seedling")
    dispatch_id, bundle, per_bundle = parsed
    dispatch = session.get(SeedlingDispatch, dispatch_id)
    if dispatch is None:
        raise NotIssued(MESSAGES["seedling"], "seedling")
    bundles = bundles_of(dispatch.quantity, per_bundle)
    if bundle > bundles:
        raise NotIssued(MESSAGES["seedling"], "seedling", lot_id=dispatch.batch_lot_id)
    found = dispatched(session, dispatch)
    if found.event.reversed_by_event_id is not None:
        raise NotIssued(MESSAGES["seedling_void"], "seedling_void", lot_id=dispatch.batch_lot_id)
    return Verified(found, code.strip().upper(), bundle, bundles, per_bundle, in_bundle(dispatch.quantity, per_bundle, bundle))


def townships(session: Session) -> list[Township]:
    return list(session.exec(select(Township).where(Township.active).order_by(Township.id)))
