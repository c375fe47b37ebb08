"""Quality grades per extraction method: a test reaches the grade its
oil's method's limits give (on the lot page, in the quality form's live
grade, on the bottles), the bureau edits the limits per method on
/processing/grades (which says they must be checked against GB/T
11765-2018), and migration 0007 copies the old limits to every method."""

import json

import pytest
from sqlmodel import select

from oilchain.lab import LabValues
from oilchain.processing import quality
from oilchain.processing.models import GradeLimit, ProductLot

from .. import chain
from ..chain import db_session
from ..http import build, page, redirected_to, refuse, rows
from .oil import pressed_parts

pytestmark = pytest.mark.usefixtures("english")

LIMIT_FORM = {"method": "cold_pressed", "grade_code": "grade1", "max_acid_value": "0.8", "max_peroxide_value": "0.15",
              "max_moisture": "0.1"}


def test_the_same_values_reach_the_grade_of_their_oils_method(app, session):
    values = LabValues(acid_value=1_800, peroxide_value=120, moisture=60)
    assert quality.read(session, values, "hot_pressed").grade == "grade2"
    assert quality.read(session, values, "cold_pressed").grade == "grade2"
    assert quality.read(session, values, "solvent").grade == "grade1"  # its own, looser acid value
    over = quality.read(session, LabValues(acid_value=3_500, peroxide_value=120, moisture=60), "hot_pressed")
    assert (over.grade, over.over) == (None, {"acid_value": (3_500, 3_000)})


def test_the_bureau_edits_the_limits_per_method_and_the_page_says_to_check_the_standard(app, auth, world):
    url = "/processing/grades"
    auth.login("processor")
    assert auth.client.get(url).status_code == 403
    auth.login("bureau")
    shown = page(auth.client.get(url))
    assert "GB/T 11765-2018" in shown and "check every limit below against the standard" in shown
    for method in ("Cold pressed", "Hot pressed", "Solvent extracted"):
        assert method in shown
    refuse(app, auth, url, {**LIMIT_FORM, "max_acid_value": "3.5"},
           "Grade 1 cannot allow more than Grade 2: acid value 3.5 is over 3.", field="max_acid_value")
    refuse(app, auth, url, {**LIMIT_FORM, "grade_code": "grade2", "max_acid_value": "3", "max_peroxide_value": "0.1",
                                "max_moisture": "0.15"},
           "Grade 1 cannot allow more than Grade 2: peroxide value 0.15 is over 0.1.", field="max_peroxide_value")
    refuse(app, auth, url, {**LIMIT_FORM, "method": "pressed"}, "Not a valid choice", field="method")
    refuse(app, auth, url, {**LIMIT_FORM, "max_moisture": "0"}, "Must be more than 0", field="max_moisture")
    assert redirected_to(auth.post(url, LIMIT_FORM)).endswith(url)
    limits = {row.method: row.max_acid_value_milli for row in rows(app, GradeLimit, GradeLimit.grade_code == "grade1")}
    assert limits == {"cold_pressed": 800, "hot_pressed": 1_500, "solvent": 2_000}


def test_a_change_of_limits_regrades_the_oil_of_that_method_on_its_pages_and_bottles(app, auth, world):
    hot, cold = pressed_parts(app, world, methods=("hot_pressed", "cold_pressed"))

    def bottled(session):
        made = chain.product(session, world)
        for code in (hot, cold):
            chain.quality(session, world, oil=chain.lot_by_code(session, code))  # acid 0.85: grade 1 by the defaults
        return [chain.bottle(session, world, oil=chain.lot_by_code(session, code), made=made, units=100).id
                for code in (hot, cold)]

    product_lots = build(app, bottled)
    auth.login("bureau")
    redirected_to(auth.post("/processing/grades", LIMIT_FORM))  # cold-pressed grade 1: acid value at most 0.8
    with db_session(app) as session:
        grades = [json.loads(session.get(ProductLot, lot_id).origin_story)["quality"]["grade"] for lot_id in product_lots]
    assert grades == ["grade1", "grade2"]
    auth.login("processor")
    assert "Grade 2" in page(auth.client.get(f"/l/{cold}")).split("Quality tests")[-1]
    live = {"acid_value": "0.85", "peroxide_value": "0.12", "moisture": "0.06"}
    assert "These values reach Grade 2." in page(auth.client.get("/processing/quality/grade", query_string={**live, "code": cold}))
    assert "These values reach Grade 1." in page(auth.client.get("/processing/quality/grade", query_string={**live, "code": hot}))


@pytest.fixture
def empty_database(tmp_path, database_url):
    from ..gi.test_gi import empty_database as of_gi

    yield from of_gi.__wrapped__(tmp_path, database_url)


def test_the_migration_copies_each_grades_limits_to_every_method(empty_database):
    from sqlalchemy import create_engine, inspect, text

    from oilchain import migrate

    url = empty_database
    migrate.upgrade(url, "0006")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        c.execute(text("INSERT INTO quality_grade (code, rank, max_acid_value_milli, max_peroxide_value_milli, "
                       "max_moisture_milli) VALUES ('grade1', 1, 1200, 140, 90), ('grade2', 2, 2800, 240, 140)"))
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        found = c.execute(text("SELECT method, grade_code, max_acid_value_milli, max_peroxide_value_milli, "
                               "max_moisture_milli FROM grade_limit ORDER BY method, grade_code")).all()
        assert [tuple(row) for row in found] == [(method, *grade) for method in ("cold_pressed", "hot_pressed", "solvent")
                                                 for grade in (("grade1", 1200, 140, 90), ("grade2", 2800, 240, 140))]
        assert {column["name"] for column in inspect(c).get_columns("quality_grade")} == {"code", "rank"}
    engine.dispose()
    migrate.downgrade(url, "0006")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        assert c.execute(text("SELECT code, max_acid_value_milli FROM quality_grade ORDER BY code")).all() == \
            [("grade1", 1200), ("grade2", 2800)]
    engine.dispose()
