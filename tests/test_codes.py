"""The payloads QR codes carry (codes.qr_payload, codes.lot_qr_payload):
scheme and host in capitals, the path as it is, so that a bottle's Digital
Link and a lot's URI are one QR alphanumeric segment; and a scanned lot
address in either spelling gives back its code."""

import re

from oilchain import codes
from oilchain.documents import qr

QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*")


def test_only_the_scheme_and_host_are_capitalized():
    assert codes.qr_payload("https://oil.youyang.gov.cn/01/06920001234508/10/YY-P25-000123/21/00012345ABCD") == (
        "HTTPS://OIL.YOUYANG.GOV.CN/01/06920001234508/10/YY-P25-000123/21/00012345ABCD")
    assert codes.qr_payload("http://127.0.0.1:5000/l/YY-H25-000001") == "HTTP://127.0.0.1:5000/l/YY-H25-000001"
    assert codes.qr_payload("https://Trace.Example.cn/sub/path") == "HTTPS://TRACE.EXAMPLE.CN/sub/path"  # the path kept
    assert codes.qr_payload("https://oil.youyang.gov.cn") == "HTTPS://OIL.YOUYANG.GOV.CN"
    assert codes.qr_payload("YY-H25-000001") == "YY-H25-000001"  # no URL: as it is
    assert codes.lot_qr_payload("https://oil.youyang.gov.cn", "YY-H25-000001") == "HTTPS://OIL.YOUYANG.GOV.CN/L/YY-H25-000001"
    assert codes.lot_qr_payload("https://oil.youyang.gov.cn") == "HTTPS://OIL.YOUYANG.GOV.CN/L/"


def test_every_serial_fits_alphanumeric_mode_and_so_does_the_bottle_s_payload():
    gtin, lot = "06920001234508", "YY-P25-000123"
    for key in ("test-serial-key", "another", "密钥"):
        for number in (*range(1, 500), 99_999_999):
            serial = codes.serial_text(key, gtin, lot, number)
            assert re.fullmatch(r"[0-9A-Z]{12}", serial), serial
    payload = codes.qr_payload(f"https://oil.youyang.gov.cn/01/{gtin}/10/{lot}/21/{serial}")
    assert QR_ALPHANUMERIC.fullmatch(payload)
    assert qr.symbol(payload).modes == ("alphanumeric",)


def test_a_scanned_lot_address_in_either_spelling_gives_its_code():
    for scanned in ("HTTPS://OIL.YOUYANG.GOV.CN/L/YY-H25-000001", "https://oil.youyang.gov.cn/l/YY-H25-000001",
                    "https://oil.youyang.gov.cn/l/yy-h25-000001/", " HTTPS://OIL.YOUYANG.GOV.CN/L/yy-H25-000001 ",
                    "yy-h25-000001", "http://127.0.0.1:5000/L/YY-H25-000001"):
        assert codes.normalize_lot_code(scanned) == "YY-H25-000001", scanned
