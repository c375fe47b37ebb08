"""Every kind of document the app hands out, made from the demo year on a
fresh SQLite database with the clock pinned, written to a folder with a
SHA-256 of each: for comparing two commits (a refactoring must not change
a byte).

    python scripts/documents.py OUT_DIR        # then: diff OUT_DIR/sha256.txt OTHER_DIR/sha256.txt

PDFs are made in reportlab's invariant mode (no dates or random ids in
them); pages carrying CSRF tokens are not compared.
"""

import hashlib
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab import rl_config  # noqa: E402

rl_config.invariant = 1

from oilchain import clock, codes, create_app, db, migrate  # noqa: E402

MOMENT = datetime(2026, 1, 15, 10, 0)  # the demo year is 2025
PASSWORD = "oilchain-demo"
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+|("X-CSRFToken": ")[^"]+|(csrf": ")[^"]+')


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, clock.frozen(MOMENT):
        url = f"sqlite:///{tmp}/documents.db"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "documents", "PUBLIC_BASE_URL": "https://trace.example.cn",
                          "TESTING": True, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            from oilchain import demo
            from oilchain.reference import seed_reference_data

            session = db.session()
            seed_reference_data(session)
            demo.load(session, app.config["PUBLIC_BASE_URL"], app.config["SERIAL_KEY"])
            session.commit()
        client = app.test_client()
        client.set_cookie("lang", "zh_CN")
        documents = fetch_all(app, client)
    lines = []
    for name, body in documents:
        (folder / name).write_bytes(body)
        lines.append(f"{hashlib.sha256(body).hexdigest()}  {name}")
    (folder / "sha256.txt").write_text("\n".join(lines) + "\n")
    print(f"{len(documents)} documents in {folder}")


def fetch_all(app, client) -> list[tuple[str, bytes]]:
    bottle = bottle_path(app)
    lot = bottle.split("/10/")[1].split("/")[0]
    got = []

    def get(name, path, lang="zh_CN"):
        client.set_cookie("lang", lang)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        body = response.data
        if response.mimetype == "text/html":
            body = TOKEN.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "-", body.decode()).encode()
        got.append((name, body))

    get("consumer-bottle-zh.html", bottle)
    get("consumer-bottle-en.html", bottle, "en")
    get("consumer-lot-zh.html", bottle.split("/21/")[0])
    get("consumer-linkset.json", bottle + "?linkType=all")
    login(client, "manager")
    year = MOMENT.year - 1
    get("report-year.pdf", f"/reports/output.pdf?year={year}")
    get("report-month.pdf", f"/reports/output.pdf?year={year}&month=11")
    get("dashboard.csv", f"/reports/dashboard.csv?year={year}")
    get("gi-register.pdf", f"/gi/register.pdf?year={year}")
    get("epcis-events.json", "/epcis/events?perPage=1000")
    get("trace.json", f"/l/{lot}/trace.json")
    get("lot-label.pdf", f"/l/{lot}/label.pdf")
    get("lot-qr.svg", f"/l/{lot}/qr.svg")
    get("labels.pdf", f"/processing/lots/{lot}/labels.pdf?first=1&last=42")
    get("labels.csv", f"/processing/lots/{lot}/labels.csv?first=1&last=42")
    get("lot-page-zh.html", f"/l/{lot}")
    get("dashboard-zh.html", f"/reports/dashboard?year={year}")
    return got


def bottle_path(app) -> str:
    from sqlmodel import select

    from oilchain.ledger.models import Lot
    from oilchain.processing.models import Product, ProductLot

    with app.app_context():
        lot, product_lot, product = db.session().exec(
            select(Lot, ProductLot, Product).join(ProductLot, ProductLot.lot_id == Lot.id)
            .join(Product, Product.id == ProductLot.product_id).order_by(Lot.id)
        ).first()
        serial = codes.serial_text(app.config["SERIAL_KEY"], product.gtin, lot.code, product_lot.serial_first + 7)
        return f"/01/{product.gtin}/10/{lot.code}/21/{serial}"


def login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.status_code


if __name__ == "__main__":
    main(sys.argv[1])
