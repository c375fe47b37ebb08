"""EPCIS identifiers and values: the URIs the export mints on the public
base URL, its JSON-LD context, event times and quantities in EPCIS units."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from .. import codes

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
QUERY_NAME = "SimpleEventQuery"
EPCIS_VERSION = "2.0.0"  # the GS1-EPCIS-Version and GS1-CBV-Version headers
CBV_VERSION = "2.0.0"
# The county's business dates become events at 00:00 in its zone.
COUNTY_OFFSET = timezone(timedelta(hours=8))
TIME_ZONE_OFFSET = "+08:00"
# UN/ECE rec. 20 codes: kilograms for mass (the ledger keeps grams), pieces
# for plants and bottles.
UOM = {"g": "KGM", "plant": "H87", "unit": "H87"}


@dataclass(frozen=True)
class Uris:
    """The URIs the export mints, all on the public base URL."""

    base: str

    def lot(self, code: str) -> str:
        return f"{self.base}/l/{code}"

    def event(self, event_id: int) -> str:
        return f"{self.base}/epcis/events/{event_id}"

    def org(self, org_id: int) -> str:
        return f"{self.base}/org/{org_id}"

    def plot(self, plot_id: int) -> str:
        return f"{self.base}/plots/{plot_id}"

    def sale_buyer(self, sale_id: int) -> str:
        # Buyers are names typed at the sale, with no identity of their own.
        return f"{self.base}/sales/{sale_id}#buyer"

    @property
    def namespace(self) -> str:
        """The `oilchain:` prefix of the export's extension fields."""
        return f"{self.base}/epcis/ns#"

    def lot_code(self, uri: str) -> str | None:
        """The lot code a lot URI names (any case), or None for another URI."""
        prefix = f"{self.base}/l/"
        if not uri.lower().startswith(prefix.lower()):
            return None
        code = codes.normalize_lot_code(uri[len(prefix):])
        return code if codes.is_lot_code(code) else None

    def event_id(self, uri: str) -> int | None:
        prefix = f"{self.base}/epcis/events/"
        rest = uri[len(prefix):] if uri.startswith(prefix) else ""
        return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) < 19 else None


def context(uris: Uris) -> list:
    return [EPCIS_CONTEXT, {"oilchain": uris.namespace}]


def json_quantity(amount: int, unit: str) -> int | float:
    """A ledger quantity as a JSON number in its EPCIS unit: grams as kg
    (exact: the decimal amount / 1000, whose shortest float repr is that
    decimal), plants and bottles as they are."""
    if unit != "g":
        return amount
    kg = Decimal(amount) / 1000
    return int(kg) if kg == kg.to_integral_value() else float(kg)


def quantity_element(uris: Uris, code: str, unit: str, amount: int) -> dict:
    return {"epcClass": uris.lot(code), "quantity": json_quantity(abs(amount), unit), "uom": UOM.get(unit, "H87")}


def event_time(day: date) -> str:
    """The business date at 00:00 in the county (+08:00)."""
    return f"{day.isoformat()}T00:00:00{TIME_ZONE_OFFSET}"


def rfc3339_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def first_day_at_or_after(moment: datetime) -> date:
    """The first business date whose event time (00:00 +08:00) is not
    before `moment`."""
    local = moment.astimezone(COUNTY_OFFSET)
    day = local.date()
    return day if local.replace(tzinfo=None).time() == time(0) else day + timedelta(days=1)
