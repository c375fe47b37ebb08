"""The ledger as GS1 EPCIS 2.0 events: one table, one entry per ledger kind,
saying which EPCIS classes (type, action, bizStep) the kind can become, how
an event of it chooses one, and the fields it carries. Pure: a ledger event
and its facts in, one EPCIS event dict out; nothing here sees `request`.
Lots are quantities of a class, so events name lots in quantity lists,
never in EPC lists: `epcClass` is GTIN + lot as a canonical Digital Link
(`https://id.gs1.org/01/{gtin}/10/{code}`) for a lot of a product with a
GTIN, else the lot's URI `{base}/l/{code}`. Organizations are parties: by
GLN (`https://id.gs1.org/417/{gln}`) where they have one, else by their
public page `{base}/org/{id}`. Quality tests are events of their own
(quality.py).

| ledger event | EPCIS event | action | bizStep |
| --- | --- | --- | --- |
| commission, harvest | ObjectEvent | ADD | commissioning |
| grade | ObjectEvent | OBSERVE | inspecting |
| dispatch to a plot | TransformationEvent | | shipping |
| dispatch out of the county | ObjectEvent | OBSERVE | shipping |
| plant (seedlings used) | ObjectEvent | DELETE | installing |
| plant (no seedlings: tending, top grafting) | ObjectEvent | OBSERVE | other |
| dry_hull, press, bottle | TransformationEvent | | commissioning |
| extract, leach, refine, blend | TransformationEvent | | commissioning |
| make | TransformationEvent | | commissioning (untraced ingredients in oilchain:untracedQuantity, kg) |
| split | TransformationEvent | | commissioning (the original in; the original and the part out) |
| ship | ObjectEvent | OBSERVE | shipping |
| receive | ObjectEvent | OBSERVE | receiving |
| sell (retail, online) | ObjectEvent | OBSERVE | retail_selling |
| sell (other channels) | ObjectEvent | OBSERVE | shipping |
| dispose | ObjectEvent | DELETE | destroying (disposition destroyed, the reason in oilchain:reason) |
| reverse | not exported: the event it reverses carries an errorDeclaration |
"""

from dataclasses import dataclass
from datetime import datetime

from ..ledger.models import Event
from .facts import Facts
from .identifiers import TIME_ZONE_OFFSET, Uris, event_time, json_quantity, quantity_element, rfc3339_utc

RETAIL_CHANNELS = ("retail", "online")  # sold to the consumer: retail_selling
FALLBACK = ("ObjectEvent", "OBSERVE", None)  # a kind not in the table (none today)
NOT_EXPORTED = ("reverse",)

TRANSFORMATION = ("TransformationEvent", None, "commissioning")


@dataclass(frozen=True)
class Kind:
    """How one ledger kind becomes an EPCIS event: the classes it can take
    (the first unless `choose` picks), and its fields beyond the common ones."""

    classes: tuple
    fields: object  # (event, facts, uris, lines) -> dict
    choose: object = None  # (event, facts, lines) -> one of classes


def lot_quantity(facts: Facts, uris: Uris, code: str, unit: str, amount: int) -> dict:
    return quantity_element(uris.lot_class(code, facts.gtins.get(code)), unit, amount)


def party(facts: Facts, uris: Uris, org_id: int) -> str:
    return uris.org(org_id, facts.glns.get(org_id))


def quantities(facts: Facts, uris: Uris, lines, roles) -> list[dict]:
    return [lot_quantity(facts, uris, line.code, line.unit, line.delta) for line in lines if line.role in roles]


def owning(kind: str, org_uri: str) -> dict:
    return {"type": "owning_party", kind: org_uri}


# --- the fields of each kind ------------------------------------------------------


def observed(action_roles):
    """Lots named by their lines (commission and harvest: what they made);
    none (a planting without seedlings) is an empty observation."""

    def fields(event, facts, uris, lines):
        listed = quantities(facts, uris, lines, action_roles)
        return {"quantityList": listed} if listed else {"epcList": []}

    return fields


def transformation(event, facts, uris, lines) -> dict:
    return {"inputQuantityList": quantities(facts, uris, lines, ("input",)),
            "outputQuantityList": quantities(facts, uris, lines, ("output",))}


def make_fields(event, facts, uris, lines) -> dict:
    """A transformation; what it added from outside the chain (untraced
    ingredients, in the inputs' unit: kg) in oilchain:untracedQuantity."""
    doc = transformation(event, facts, uris, lines)
    if event.untraced:
        unit = next((line.unit for line in lines if line.role == "input"), "g")
        doc["oilchain:untracedQuantity"] = json_quantity(event.untraced, unit)
    return doc


def split_fields(event, facts, uris, lines) -> dict:
    """One input, two outputs (DESIGN: the split keeps the original's code):
    the original as it was before, then what stays of it and the part."""
    taken = next(line for line in lines if line.role == "input")
    part = next(line for line in lines if line.role == "output")
    before = facts.before_split[event.id]
    return {"inputQuantityList": [lot_quantity(facts, uris, taken.code, taken.unit, -before)],
            "outputQuantityList": [lot_quantity(facts, uris, taken.code, taken.unit, -(before + taken.delta)),
                                   lot_quantity(facts, uris, part.code, part.unit, part.delta)]}


def dispatch_fields(event, facts, uris, lines) -> dict:
    plot = facts.plots.get(event.plot_id) if event.plot_id else None
    if plot is None:  # out of the county: an observation of the seedlings that left, to a named buyer
        doc = observed(("input", "output", "adjust"))(event, facts, uris, lines)
        return {**doc, "oilchain:destinationName": event.note} if event.note else doc
    return {**transformation(event, facts, uris, lines),
            "sourceList": [owning("source", party(facts, uris, event.org_id))],
            "destinationList": [owning("destination", party(facts, uris, plot.cooperative_id)),
                                {"type": "location", "destination": uris.plot(plot.id)}]}


def ship_fields(event, facts, uris, lines) -> dict:
    shipment, code, unit = facts.shipped[event.id]
    return {"disposition": "in_transit", "quantityList": [lot_quantity(facts, uris, code, unit, shipment.declared_quantity)],
            "sourceList": [owning("source", party(facts, uris, shipment.from_org_id))],
            "destinationList": [owning("destination", party(facts, uris, shipment.to_org_id))]}


def receive_fields(event, facts, uris, lines) -> dict:
    found = facts.received.get(event.id)
    if found is None:
        return {"epcList": []}  # no shipment names it (see facts.reversed_receipt): an empty observation
    shipment, code, unit = found
    weighed = shipment.received_quantity
    if weighed is None:  # a reversed receipt: declared weight and the weighbridge difference
        weighed = shipment.declared_quantity + sum(line.delta for line in lines if line.role == "adjust")
    return {"quantityList": [lot_quantity(facts, uris, code, unit, weighed)],
            "sourceList": [owning("source", party(facts, uris, shipment.from_org_id))],
            "destinationList": [owning("destination", party(facts, uris, shipment.to_org_id))]}


def grade_fields(event, facts, uris, lines) -> dict:
    line = lines[0]
    return {"quantityList": [lot_quantity(facts, uris, line.code, line.unit, facts.after_grading[event.id])]}


def sell_fields(event, facts, uris, lines) -> dict:
    doc = {"quantityList": quantities(facts, uris, lines, ("input",)), "sourceList": [owning("source", party(facts, uris, event.org_id))]}
    sale = facts.sales.get(event.id)
    if sale is not None:
        doc.update({"destinationList": [owning("destination", uris.sale_buyer(sale.id))],
                    "oilchain:buyer": sale.buyer, "oilchain:channel": sale.channel})
    return doc


def dispose_fields(event, facts, uris, lines) -> dict:
    return {"quantityList": quantities(facts, uris, lines, ("input",)), "disposition": "destroyed", "oilchain:reason": event.note}


# --- how an event of a kind with several classes chooses one ------------------------------


def dispatch_class(event, facts, lines):
    has_output = any(line.role == "output" for line in lines)
    return ("TransformationEvent", None, "shipping") if has_output else ("ObjectEvent", "OBSERVE", "shipping")


def plant_class(event, facts, lines):
    used = any(line.role == "input" for line in lines)
    return ("ObjectEvent", "DELETE", "installing") if used else ("ObjectEvent", "OBSERVE", "other")


def sell_class(event, facts, lines):
    sale = facts.sales.get(event.id)
    step = "retail_selling" if sale is not None and sale.channel in RETAIL_CHANNELS else "shipping"
    return ("ObjectEvent", "OBSERVE", step)


KINDS = {
    "commission": Kind((("ObjectEvent", "ADD", "commissioning"),), observed(("output",))),
    "grade": Kind((("ObjectEvent", "OBSERVE", "inspecting"),), grade_fields),
    "dispatch": Kind((("TransformationEvent", None, "shipping"), ("ObjectEvent", "OBSERVE", "shipping")),
                     dispatch_fields, dispatch_class),
    "plant": Kind((("ObjectEvent", "DELETE", "installing"), ("ObjectEvent", "OBSERVE", "other")),
                  observed(("input", "output", "adjust")), plant_class),
    "harvest": Kind((("ObjectEvent", "ADD", "commissioning"),), observed(("output",))),
    "dry_hull": Kind((TRANSFORMATION,), transformation),
    "ship": Kind((("ObjectEvent", "OBSERVE", "shipping"),), ship_fields),
    "receive": Kind((("ObjectEvent", "OBSERVE", "receiving"),), receive_fields),
    "press": Kind((TRANSFORMATION,), transformation),
    "bottle": Kind((TRANSFORMATION,), transformation),
    "sell": Kind((("ObjectEvent", "OBSERVE", "retail_selling"), ("ObjectEvent", "OBSERVE", "shipping")),
                 sell_fields, sell_class),
    "dispose": Kind((("ObjectEvent", "DELETE", "destroying"),), dispose_fields),
    "extract": Kind((TRANSFORMATION,), transformation),
    "leach": Kind((TRANSFORMATION,), transformation),
    "make": Kind((TRANSFORMATION,), make_fields),
    "refine": Kind((TRANSFORMATION,), transformation),
    "blend": Kind((TRANSFORMATION,), transformation),
    "split": Kind((TRANSFORMATION,), split_fields),
}
UNKNOWN = Kind((FALLBACK,), observed(("input", "output", "adjust")))
PLACED_AT_THE_PLOT = ("harvest", "plant")  # readPoint and bizLocation are the plot


def classes() -> dict[str, tuple]:
    """Which EPCIS classes each ledger kind can become (the query narrows by them)."""
    return {kind: mapping.classes for kind, mapping in KINDS.items()}


def record_time(event: Event, facts: Facts) -> datetime:
    """When the ledger last recorded something about the event: its
    reversal (the error declaration) if any, else the event itself."""
    reversal = facts.reversals.get(event.id)
    return reversal.recorded_at if reversal is not None else event.recorded_at


def to_epcis(event: Event, facts: Facts, uris: Uris) -> dict:
    """One ledger event as an EPCIS 2.0 event (without @context)."""
    kind = KINDS.get(event.kind, UNKNOWN)
    lines = facts.lines.get(event.id, [])
    event_type, action, biz_step = kind.choose(event, facts, lines) if kind.choose else kind.classes[0]
    doc = {
        "type": event_type,
        "eventTime": event_time(event.occurred_on),
        "eventTimeZoneOffset": TIME_ZONE_OFFSET,
        "recordTime": rfc3339_utc(record_time(event, facts)),
        "eventID": uris.event(event.id),
    }
    reversal = facts.reversals.get(event.id)
    if reversal is not None:
        doc["errorDeclaration"] = {
            "declarationTime": rfc3339_utc(reversal.recorded_at),
            "reason": "incorrect_data",
            "correctiveEventIDs": [uris.event(reversal.id)],
            "oilchain:reason": reversal.note,
        }
    if action is not None:
        doc["action"] = action
    if biz_step is not None:
        doc["bizStep"] = biz_step
    doc.update(kind.fields(event, facts, uris, lines))
    plot = facts.plots.get(event.plot_id) if event.plot_id else None
    if plot is not None and event.kind in PLACED_AT_THE_PLOT:
        doc["readPoint"] = {"id": uris.plot(plot.id)}
        doc["bizLocation"] = {"id": uris.plot(plot.id)}
    doc["oilchain:eventKind"] = event.kind
    doc["oilchain:organization"] = party(facts, uris, event.org_id)
    return doc
