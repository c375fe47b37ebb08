"""The issue's walk: seed -> press (oil + cake + loss) -> cake -> saponin +
meal -> saponin sold by weight and made into a detergent; the dashboard's
by-product value and its count of new by-product products include them."""

from datetime import date

import pytest

from oilchain import db
from oilchain.ledger.models import Event, EventLine
from oilchain.reports import services as reports
from sqlmodel import select

from ..chain import KG, lot_by_code
from ..sales.test_services import sell
from .building import cake_at, extract, make, register

pytestmark = pytest.mark.usefixtures("english")


def lines_of(session, lot):
    """The signed lines of the event that made `lot`, by the kind of lot they touch."""
    made = session.exec(select(EventLine.event_id).where(EventLine.lot_id == lot.id, EventLine.role == "output")).one()
    return session.get(Event, made), session.exec(select(EventLine).where(EventLine.event_id == made)).all()


def walked(session, world):
    oil, cake = cake_at(session, world)  # 1,990 kg of seed pressed: 500 kg oil, 1,400 kg cake, 90 kg loss
    saponin, meal = extract(session, world, cake=cake, used=1_000 * KG, saponin=120 * KG, meal=800 * KG)
    soap_product = register(session, world, name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500)
    soap = make(session, world, product=soap_product, lot=saponin, used=20 * KG, quantity=400, untraced=186 * KG)
    sold = sell(session, world, lot_by_code(session, saponin.code), 50 * KG, 4_150)  # ¥41.50 a kg: ¥2,075.00
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    return oil, cake, saponin, meal, soap, sold


def test_each_step_balances_and_the_dashboard_counts_the_saponin_and_the_new_product(app, auth, world):
    with app.app_context():
        session = db.session()
        oil, cake, saponin, meal, soap, sold = walked(session, world)
        press, press_lines = lines_of(session, oil)
        taken = -sum(line.delta for line in press_lines if line.role == "input")
        assert taken == sum(line.delta for line in press_lines if line.role == "output") + press.loss
        extraction, extract_lines = lines_of(session, saponin)
        assert [line.delta for line in extract_lines] == [-1_000 * KG, 120 * KG, 800 * KG] and extraction.loss == 80 * KG
        making, _ = lines_of(session, soap)
        assert (making.untraced, making.loss) == (186 * KG, 20 * KG + 186 * KG - 400 * 500)
        assert (sold.unit, sold.quantity, sold.amount_fen) == ("g", 50 * KG, 207_500)
        assert lot_by_code(session, saponin.code).remaining == 120 * KG - 20 * KG - 50 * KG

        found = {row.metric: row for row in reports.figures(session, 2025).rows}
        assert found["by_product_value"].actual == 207_500
        assert found["by_products"].actual == 1
        rows, total = reports.records(session, "by_products", 2025)
        assert total == 1 and rows[0][3] == soap.code and rows[0][-1] == "茶皂素洗洁精"
    auth.login("bureau")
    page = auth.client.get("/reports/dashboard?year=2025").get_data(as_text=True)
    assert "¥2,075.00" in page and "茶皂素洗洁精" in page
