from datetime import datetime

from sqlmodel import Field, SQLModel


class SerialScan(SQLModel, table=True):
    """Scans of one consumer serial: one row per serial ever scanned."""

    __tablename__ = "serial_scan"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    serial: int = Field(primary_key=True)
    first_scan_at: datetime
    last_scan_at: datetime
    count: int = 1
