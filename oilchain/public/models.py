from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

# The copied-code rule's reference thresholds (reference.WARNING_RULES
# seeds the rule with them): the few serials past them are found by this
# partial index instead of reading the whole scan record (millions of rows
# after ten years). A rule set lower still works, reading the table. Keyed
# by the primary key alone, so a rescan that changes only count and
# last_scan_at stays a HOT update.
COPIED_CODE_DEFAULTS = {"networks": 5, "days": 10}
LOOKS_COPIED = "networks >= {networks} OR days >= {days}".format(**COPIED_CODE_DEFAULTS)


class SerialScan(SQLModel, table=True):
    """Scans of one consumer serial: one row per serial ever scanned."""

    __tablename__ = "serial_scan"
    __table_args__ = (Index("ix_serial_scan_looks_copied", "lot_id", "serial",
                            sqlite_where=text(LOOKS_COPIED), postgresql_where=text(LOOKS_COPIED)),)
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    serial: int = Field(primary_key=True)
    first_scan_at: datetime
    last_scan_at: datetime
    count: int = 1
    # For telling a copied label from honest rescans: how many distinct
    # networks (keys: HMAC of the /24 or /48 network, never the address,
    # space-separated, capped) and on how many days it was scanned.
    network_keys: str = Field(default="", max_length=120)
    networks: int = 1
    days: int = 1
    # The county day of the latest scan (indexed: the brain counts a season's scanned bottles).
    last_day: date | None = Field(default=None, index=True)


class UnknownScan(SQLModel, table=True):
    """A scan of a code that was never issued (a wrong check digit or check
    code, an unknown product or lot, a serial outside its lot): logged for
    the processor (when the product is known) and the bureau to see."""

    __tablename__ = "unknown_scan"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    path: str = Field(max_length=200)
    reason: str = Field(max_length=20)  # gtin, product, lot, check, range, withdrawn
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    user_agent: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=45)  # the client's, after OILCHAIN_TRUSTED_PROXIES hops
