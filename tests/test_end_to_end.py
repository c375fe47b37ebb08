"""The whole chain through the HTTP client, as its users would click it:
seedling batch, dispatch, planting, harvest, seed lot, shipment, receipt,
pressing, quality test, product lot, sale and the consumer's page."""

import re

from sqlmodel import select

from oilchain import codes, db
from oilchain.ledger.models import Lot
from oilchain.processing.models import ProductLot

from .conftest import AuthActions
from .http import lot_code_from


def test_bottle_traces_back_to_plot_cooperative_and_nursery(app, client, world):
    nursery, coop, processor = AuthActions(client), AuthActions(client), AuthActions(client)
    plot = world.plots["mawang"]

    nursery.login("nursery")
    with app.app_context():
        from oilchain.admin.models import Variety

        variety = db.session().exec(select(Variety).where(Variety.name == "长林4号")).one()
    # The trees were planted years ago: only bearing trees link a harvest to
    # the nursery batch they came from.
    batch = lot_code_from(
        nursery.post(
            "/nursery/batches/new",
            {"variety_id": variety.id, "propagation": "grafting", "seed_source": "国家油茶良种基地长林4号采穗圃",
             "quantity": "10000", "occurred_on": "2020-03-10"},
        )
    )
    for url, form in (
        ("/nursery/growing", {"code": batch, "occurred_on": "2020-04-20"}),
        ("/nursery/grade", {"code": batch, "grade1": "7000", "grade2": "2500", "rejected": "300", "occurred_on": "2020-11-20"}),
        ("/nursery/certify", {"code": batch, "licence_no": "渝林种苗2020-0031", "certificate_no": "2020-ZJ-0017",
                              "label_no": "2020-BQ-0017", "quarantine_no": "渝检2020-0412", "occurred_on": "2020-12-01"}),
    ):
        response = nursery.post(url, form)
        assert response.status_code == 303, response.get_data(as_text=True)
    dispatch = lot_code_from(
        nursery.post("/nursery/dispatch", {"batch_code": batch, "grade": "1", "plot_id": plot.id, "quantity": "2000",
                                            "destination": "", "occurred_on": "2021-02-20"})
    )
    nursery.logout()

    coop.login("coop")
    response = coop.post(
        "/planting/plantings/new",
        {"plot_id": plot.id, "kind": "renovation", "method": "replanting", "area": "20", "variety_id": variety.id,
         "dispatch_code": dispatch, "seedlings": "2000", "occurred_on": "2021-03-01"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    fruit = lot_code_from(
        coop.post("/harvest/new", {"plot_id": plot.id, "weight": "8000.5", "pickers": "12", "occurred_on": "2025-10-25"})
    )
    seed = lot_code_from(
        coop.post("/harvest/dry-hull", {f"input-{fruit}": "8000.5", "seed": "2000", "husk": "3200", "occurred_on": "2025-11-10"})
    )
    response = coop.post(
        "/harvest/ship", {"code": seed, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-11-20"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    coop.logout()

    processor.login("processor")
    # A scanner may hand over the lot's full URL, in lower case.
    response = processor.post(
        "/processing/receive",
        {"code": f"https://trace.example.cn/l/{seed.lower()}", "weighed": "1990", "occurred_on": "2025-11-21"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    oil = lot_code_from(
        processor.post("/processing/press", {f"input-{seed}": "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25", "method": "hot_pressed"})
    )
    response = processor.post(
        "/processing/quality",
        {"code": oil, "acid_value": "0.85", "peroxide_value": "0.12", "moisture": "0.06",
         "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    gtin = "0692000123450" + str(codes.gtin_check_digit("0692000123450"))
    response = processor.post(
        "/processing/products/new",
        {"name": "桃花源 压榨山茶油 500ml", "gtin": gtin, "net_content_ml": "500", "fill_grams": "458", "shelf_life_days": "540"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        from oilchain.processing.models import Product

        product = db.session().exec(select(Product).where(Product.gtin == gtin)).one()
    product_lot = lot_code_from(
        processor.post(
            "/processing/bottle",
            {"oil_code": oil, "product_id": product.id, "units": "1000", "oil_used": "460", "occurred_on": "2025-12-01"},
        )
    )
    response = processor.post(
        "/sales/new",
        {"code": product_lot, "buyer": "重庆永辉超市", "channel": "supermarket", "quantity": "200",
         "unit_price": "128.00", "occurred_on": "2025-12-05"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    processor.logout()

    with app.app_context():
        session = db.session()
        lot = session.exec(select(Lot).where(Lot.code == product_lot)).one()
        serials = session.get(ProductLot, lot.id)
        assert lot.remaining == 800
        serial = codes.serial_text(app.config["SERIAL_KEY"], gtin, product_lot, serials.serial_first + 41)

    page = client.get(f"/01/{gtin}/10/{product_lot}/21/{serial}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "麻旺镇" in html  # the plot's township
    assert "麻旺合作社" in html  # the cooperative
    assert "良种苗圃" in html  # the nursery whose seedlings renovated the plot
    assert "长林4号" in html
    assert "桃花源茶油公司" in html
    assert "0.85" in html  # the quality test

    # One changed character in the check code: not genuine, and a 404.
    forged = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    response = client.get(f"/01/{gtin}/10/{product_lot}/21/{forged}")
    assert response.status_code == 404
    assert re.search("校验码|check code", response.get_data(as_text=True))
