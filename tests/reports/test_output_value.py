"""Output value in two parts: camellia oil (bottled oil and bulk oil sold,
the plan's 茶油加工产值, which the ¥300M target counts) and by-products
(by-products sold by weight and products made of them; no plan target).
The dashboard, its records, its CSV and the printed report show both.
A sale to a registered mill is not counted: value counts once, when it
leaves the county's registered mills."""

from datetime import date

import pytest
from flask_babel import force_locale

from sqlmodel import select

from oilchain import db, ledger
from oilchain.ledger.models import Lot
from oilchain.reports import printing
from oilchain.reports import services as reports
from oilchain.sales.models import Sale

from .. import chain
from ..chain import KG
from ..sales.test_services import sell

pytestmark = pytest.mark.usefixtures("english")


def sold(session, world):
    """¥25,600 of bottles, ¥1,200 of bulk oil and ¥102 of cake sold, and ¥48 of cake to the other mill (not counted), rolled up."""
    built = chain.full_chain(session, world)
    sell(session, world, built.product_lot, 200, 12_800)
    sell(session, world, built.oil, 10 * KG, 12_000)
    sell(session, world, built.cake, 60 * KG, 170)  # ¥102.00
    sell(session, world, chain.lot_by_code(session, built.cake.code), 40 * KG, 120, buyer_org_id=world.orgs["processor2"].id)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    return built


def test_camellia_oil_and_by_products_are_two_figures_with_their_records(session, world):
    built = sold(session, world)
    found = {row.metric: row for row in reports.figures(session, 2025).rows}
    assert found["output_value"].actual == 2_560_000 + 120_000
    assert found["by_product_value"].actual == 10_200
    assert found["by_product_value"].target is None and found["by_product_value"].percent is None
    rows, total = reports.records(session, "output_value", 2025)
    assert total == 2_680_000 and {r[3] for r in rows} == {built.product_lot.code, built.oil.code}
    rows, total = reports.records(session, "by_product_value", 2025)
    assert total == 10_200 and len(rows) == 1 and built.cake.code in {r[3] for r in rows}
    assert {r[-1] for r in rows} == {"g"}


def test_the_dashboard_its_csv_and_the_report_show_both(app, auth, world):
    with app.app_context():
        sold(db.session(), world)
        with force_locale("en"):
            data = printing.report_data(db.session(), 2025, 12, "bureau")
    assert ["Camellia oil output value", "—", "¥26,800.00", "¥26,800.00", "—"] in data.targets
    assert ["By-product output value", "—", "¥102.00", "¥102.00", "—"] in data.targets
    auth.login("bureau")
    page = auth.client.get("/reports/dashboard?year=2025").get_data(as_text=True)
    assert "Camellia oil output value" in page and "By-product output value" in page
    assert "/reports/records?metric=by_product_value" in page
    csv = auth.client.get("/reports/dashboard.csv?year=2025&table=targets").get_data(as_text=True)
    assert "Camellia oil output value" in csv and "By-product output value" in csv and "By-product output value,yuan,,102," in csv


def test_a_sale_to_the_other_mill_is_not_counted_but_its_own_later_sale_is(session, world):
    built = sold(session, world)
    part = session.exec(select(Sale).where(Sale.buyer_org_id == world.orgs["processor2"].id)).one()
    bought = chain.lot_by_code(session, session.get(Lot, part.lot_id).code)
    ledger.receive_lot(session, actor=world.actors["processor2"], code=bought.code, weighed=40 * KG,
                       occurred_on=date(2025, 12, 6))
    session.commit()
    resold = sell(session, world, chain.lot_by_code(session, bought.code), 40 * KG, 170, actor="processor2",
                  sold_on=date(2025, 12, 8))
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    rows, total = reports.records(session, "by_product_value", 2025)
    assert total == 10_200 + resold.amount_fen == 10_200 + 6_800  # the ¥48 to the mill left out
    assert sorted((r[3], r[4]) for r in rows) == sorted([(built.cake.code, "桃花源茶油公司"), (bought.code, "酉州加工厂")])
