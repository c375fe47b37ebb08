"""The by-product target: new by-product products, each counted once for
the county on the day of its first standing make, where its maker is."""

from datetime import date, datetime

import pytest

from oilchain import clock, ledger
from oilchain.reports import services as reports
from oilchain.reports.metrics import METRICS

from ..chain import KG, event_that_made
from ..http import page
from .building import MADE_ON, cake_at, make, register

pytestmark = pytest.mark.usefixtures("english_services")
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


def counted(session, start, end):
    return [(row.day, row.township_id, row.value, row.code, row.name, row.product)
            for row in session.execute(METRICS["by_products"].rows(start, end)).all()]


def test_a_product_registered_but_never_made_does_not_count(session, world):
    register(session, world, name="茶壳活性炭", source_kind="husk")
    assert counted(session, *YEAR_2025) == []


def test_two_mills_making_one_product_count_it_once_on_the_first_day(session, world):
    _oil, cake = cake_at(session, world)
    _oil2, cake2 = cake_at(session, world, to="processor2")
    compost = register(session, world, name="茶粕有机肥")
    make(session, world, product=compost, lot=cake2, used=100 * KG, quantity=90 * KG, actor="processor2", on=date(2025, 12, 2))
    first = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG)  # 28 November
    township = world.orgs["processor"].township_id
    assert counted(session, *YEAR_2025) == [(MADE_ON, township, 1, first.code, "桃花源茶油公司", "茶粕有机肥")]
    # December: made again, but not new
    assert counted(session, date(2025, 12, 1), date(2025, 12, 31)) == []


def test_a_product_first_made_in_an_earlier_year_does_not_count(session, world):
    _oil, cake = cake_at(session, world)
    compost = register(session, world, name="茶粕有机肥")
    make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG)
    soap = register(session, world, name="茶粕洗发粉")
    with clock.frozen(datetime(2026, 3, 1, 10, 0)):
        make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG, on=date(2026, 2, 10))
        new = make(session, world, product=soap, lot=cake, used=100 * KG, quantity=90 * KG, on=date(2026, 2, 11))
        assert [row[5] for row in counted(session, date(2026, 1, 1), date(2026, 12, 31))] == ["茶粕洗发粉"]
        assert counted(session, date(2026, 1, 1), date(2026, 12, 31))[0][3] == new.code


def test_a_reversed_first_make_moves_the_count_to_the_next_make(session, world):
    _oil, cake = cake_at(session, world)
    compost = register(session, world, name="茶粕有机肥")
    wrong = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG, on=date(2025, 11, 26))
    later = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG, on=date(2025, 12, 3))
    assert [row[0] for row in counted(session, *YEAR_2025)] == [date(2025, 11, 26)]
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=event_that_made(session, wrong).id, reason="录错")
    session.commit()
    assert [(row[0], row[3]) for row in counted(session, *YEAR_2025)] == [(date(2025, 12, 3), later.code)]


def test_the_dashboard_lists_the_new_products_by_name(app, auth, world, session):
    _oil, cake = cake_at(session, world)
    compost = register(session, world, name="茶粕有机肥")
    register(session, world, name="茶壳活性炭", source_kind="husk")
    make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    assert next(row for row in reports.figures(session, 2025).rows if row.metric == "by_products").actual == 1
    auth.client.set_cookie("lang", "en")
    auth.login("bureau")
    html = page(auth.client.get("/reports/dashboard?year=2025"))
    assert "New by-product products" in html and "茶粕有机肥" in html and "茶壳活性炭" not in html
    records = page(auth.client.get("/reports/records?metric=by_products&year=2025"))
    assert "茶粕有机肥" in records and "Maker" in records
