"""EPCIS identifiers and values: GS1 keys as canonical GS1 Digital Link
URIs (a lot of a product with a GTIN, an organization with a GLN), the URIs
the export mints on the public base URL for the rest, its JSON-LD context,
event times and quantities in EPCIS units."""

import re
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
# GS1 keys in the canonical Digital Link form, as EPCIS 2.0 and the CBV 2.0
# prefer: a lot is a class (GTIN + AI 10); an organization is a party
# (AI 417, the party GLN; AI 414 would name a physical location).
GS1_DOMAIN = "https://id.gs1.org"
DIGITAL_LINK_LOT = re.compile(r"/01/([0-9]{14})/10/([^/?#]+)")


@dataclass(frozen=True)
class Uris:
    """The URIs the export mints, all on the public base URL."""

    base: str

    def lot(self, code: str) -> str:
        """A lot of no product with a GTIN (fruit, seed, bulk oil): its page here."""
        return f"{self.base}/l/{code}"

    def lot_class(self, code: str, gtin: str | None) -> str:
        """The EPC class a lot's quantities name: GTIN and lot as a Digital
        Link when its product has a GTIN, else the lot's own URI."""
        return f"{GS1_DOMAIN}/01/{gtin}/10/{code}" if gtin else self.lot(code)

    def event(self, event_id: int) -> str:
        return f"{self.base}/epcis/events/{event_id}"

    def org(self, org_id: int, gln: str | None = None) -> str:
        """A party: its GLN as a Digital Link (AI 417), else its public page here."""
        return f"{GS1_DOMAIN}/417/{gln}" if gln else f"{self.base}/org/{org_id}"

    def quality_test(self, test_id: int) -> str:
        return f"{self.base}/epcis/quality-tests/{test_id}"

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
        """The lot code a lot's own URI names (any case), or None for another URI."""
        prefix = f"{self.base}/l/"
        if not uri.lower().startswith(prefix.lower()):
            return None
        code = codes.normalize_lot_code(uri[len(prefix):])
        return code if codes.is_lot_code(code) else None

    def lot_key(self, uri: str) -> tuple[str, str | None] | None:
        """(lot code, GTIN) a class identifier names: the lot's own URI
        (GTIN None: any lot of that code), or GTIN and lot as a Digital Link
        on id.gs1.org or on this server; None for anything else."""
        code = self.lot_code(uri)
        if code is not None:
            return code, None
        for domain in (GS1_DOMAIN, self.base):
            if uri.lower().startswith(domain.lower() + "/01/"):
                match = DIGITAL_LINK_LOT.fullmatch(uri[len(domain):])
                if match:
                    code = codes.normalize_lot_code(match.group(2))
                    return (code, match.group(1)) if codes.is_lot_code(code) else None
        return None

    def quality_test_id(self, uri: str) -> int | None:
        prefix = f"{self.base}/epcis/quality-tests/"
        rest = uri[len(prefix):] if uri.startswith(prefix) else ""
        return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) < 19 else None

    def event_id(self, uri: str) -> int | None:
        prefix = f"{self.base}/epcis/events/"
        rest = uri[len(prefix):] if uri.startswith(prefix) else ""
        return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) < 19 else None


def context(uris: Uris) -> list:
    """GS1's context and the `oilchain:` prefix of the extension fields and
    of the lab's measurement types (oilchain:AcidValue, ...), which the CBV
    has none of."""
    return [EPCIS_CONTEXT, {"oilchain": uris.namespace}]


def json_quantity(amount: int, unit: str) -> int | float:
    """A ledger quantity as a JSON number in its EPCIS unit: grams as kg
    (exact: the decimal amount / 1000, whose shortest float repr is that
    decimal), plants and bottles as they are."""
    return amount if unit != "g" else json_decimal(amount)


def json_decimal(thousandths: int) -> int | float:
    """A value kept in thousandths as the exact decimal JSON number."""
    value = Decimal(thousandths) / 1000
    return int(value) if value == value.to_integral_value() else float(value)


def quantity_element(epc_class: str, unit: str, amount: int) -> dict:
    return {"epcClass": epc_class, "quantity": json_quantity(abs(amount), unit), "uom": UOM.get(unit, "H87")}


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
