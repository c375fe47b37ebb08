"""QR symbol sizes of the payloads the system prints: a bottle's GS1 Digital
Link and a lot's URI, as they were encoded before issue 14 (the URL as it
is) and as codes.qr_payload / codes.lot_qr_payload encode them now (scheme
and host in capitals, the lot path as /L/: one alphanumeric segment).

    python bench/qr_sizes.py

Prints, per payload, the symbol version, its modules and the module size of
a symbol printed 20 mm wide (the bottle label's size, documents/labels.py),
without the quiet zone (the label's margin is the quiet zone) and with it
(4 modules each side, for a symbol whose 20 mm include its quiet zone).
Needs no database."""

from _common import ROOT  # noqa: F401  (puts the checkout on sys.path)

from oilchain import codes  # noqa: E402
from oilchain.documents import qr  # noqa: E402

DEFAULT_BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL when unset (config.bind_base_url)
PRODUCTION_BASE = "https://oil.youyang.gov.cn"
GTIN, LOT, SERIAL = "06920001234508", "YY-P25-000123", codes.serial_text("bench-key", "06920001234508", "YY-P25-000123", 12345)
LOT_CODE = "YY-H25-000123"
PRINTED_MM = 20


def line(label: str, payload: str) -> str:
    found = qr.symbol(payload)
    bare = PRINTED_MM / found.modules
    quiet = PRINTED_MM / (found.modules + 2 * qr.QUIET_ZONE)
    return (f"  {label:<6} version {found.version:>2}, {found.modules} modules, {bare:.3f} mm a module at {PRINTED_MM} mm "
            f"({quiet:.3f} mm with the quiet zone inside the {PRINTED_MM} mm); {'+'.join(found.modes)}, "
            f"{len(payload)} characters: {payload}")


def main() -> None:
    for base in (DEFAULT_BASE, PRODUCTION_BASE):
        bottle = f"{base}/01/{GTIN}/10/{LOT}/21/{SERIAL}"
        print(f"Bottle, {base}")
        print(line("before", bottle))
        print(line("after", codes.qr_payload(bottle)))
        print(f"Lot, {base}")
        print(line("before", f"{base}/l/{LOT_CODE}"))
        print(line("after", codes.lot_qr_payload(base, LOT_CODE)))


if __name__ == "__main__":
    main()
