"""Every page of one form step (web.form_step), as the role that uses it:
the page answers 200 with its title, its h1 (and hint) and its form; an htmx
request gets the form's partial alone. The fields every form shares
(oilchain/forms.py) call a number no column can hold far too large."""

import re

import pytest
from sqlmodel import select

from oilchain.processing.models import QualityTest

from . import chain
from .chain import KG, db_session, nothing_written
from .http import FAR_TOO_LARGE, HUGE, HX, build, page, plot_form, refuse

# (role, address, title, h1, hint or None); {planting} is a planting's id.
FORM_PAGES = [
    ("nursery", "/nursery/batches/new", "Register a batch", "Register a seedling batch",
     "Register the batch when it is sown or grafted; grade and certify it before it leaves the nursery."),
    ("nursery", "/nursery/growing", "Growing", "Batch growing", None),
    ("nursery", "/nursery/grade", "Grade", "Grade a seedling batch", None),
    ("nursery", "/nursery/certify", "Certify", "Certify a graded batch",
     "Seedlings leave the nursery with two certificates and a label, and a quarantine certificate."),
    ("nursery", "/nursery/dispatch", "Dispatch seedlings", "Dispatch seedlings to a plot", None),
    ("coop", "/planting/plots/new", "Register a plot", "Register a plot", None),
    ("coop", "/planting/plantings/new", "Record planting or renovation", "Record planting or renovation", None),
    ("coop", "/planting/plantings/{planting}/survival", "Survival check", "Survival check", None),
    ("bureau", "/planting/plantings/{planting}/accept", "Accept a planting", "Accept a planting", None),
    ("coop", "/harvest/new", "Log a harvest", "Log a harvest", None),
    ("coop", "/harvest/dry-hull", "Dry and hull", "Dry and hull fruit into seed", None),
    ("processor", "/harvest/dry-hull", "Dry and hull", "Dry and hull fruit into seed", None),
    ("coop", "/harvest/ship", "Ship a lot", "Ship a lot to a processor", None),
    ("processor", "/processing/receive", "Receive a lot", "Receive a lot", None),
    ("processor", "/processing/press", "Press", "Press seed into oil", None),
    ("processor", "/processing/quality", "Quality test", "Record a quality test", None),
    ("processor", "/processing/products/new", "New product", "Register a product", None),
    ("processor", "/processing/bottle", "Bottle", "Bottle oil into a product lot", None),
    ("processor", "/sales/new", "Record a sale", "Record a sale", None),
    ("processor", "/processing/refine", "Refine", "Refine crude oil", None),
    ("processor", "/processing/blend", "Blend", "Blend oil lots into one", None),
    ("processor", "/processing/tanks/put", "Put oil into a tank", "Put oil into a tank",
     "All that is left of the lot goes in. An empty tank then holds it; oil put into a tank that holds oil is blended "
     "with it into a new lot."),
    ("bureau", "/processing/grades", "Quality grades", "Quality grade limits per extraction method", None),
    ("admin", "/admin/organizations/new", "New organization", "New organization", None),
    ("admin", "/admin/users/new", "New user", "New user", None),
    ("bureau", "/admin/grading", "Grading standard", "Seedling grading standard",
     "Nurseries grade against these thresholds; each grading keeps the values in force when it was done."),
    ("bureau", "/recalls", "Recalls", "Recalls", None),
]


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def planting_id(app, world):
    with db_session(app) as session:
        dispatched = chain.dispatch(session, world, batch=chain.seedling_batch(session, world))
        return chain.plant(session, world, dispatched=dispatched).id


@pytest.mark.parametrize("role, address, title, heading, hint", FORM_PAGES, ids=[f"{r}:{a}" for r, a, *_ in FORM_PAGES])
def test_a_form_page_has_its_heading_and_its_form_and_htmx_gets_the_form_alone(client, auth, planting_id, role, address, title,
                                                                               heading, hint):
    url = address.format(planting=planting_id)
    auth.login(role)
    response = client.get(url)
    html = page(response)
    assert response.status_code == 200, html[:2000]
    assert "<html" in html and f"<title>{title} · " in html
    assert f"<h1>{heading}</h1>" in html
    assert (f'<p class="hint">{hint}</p>' in html) if hint else True
    assert f'<form method="post" action="{url}"' in html and 'name="csrf_token"' in html

    partial = client.get(url, headers=HX)
    fragment = page(partial)
    assert partial.status_code == 200, fragment[:2000]
    assert "<html" not in fragment and "<h1>" not in fragment
    assert f'<form method="post" action="{url}"' in fragment and 'name="csrf_token"' in fragment


def test_a_form_page_speaks_the_request_language(client, auth, world):
    auth.login("processor")
    chinese = page(client.get("/processing/press?lang=zh_CN"))
    assert 'lang="zh-CN"' in chinese and "<h1>Press seed into oil</h1>" not in chinese
    assert "<h1>Press seed into oil</h1>" in page(client.get("/processing/press?lang=en"))


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_huge_numbers_in_weight_area_and_lab_fields_are_refused_with_a_message(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
        seed = chain.harvest_lot(session, world, grams=2_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(seed, 2_000 * KG)], seed=500 * KG, husk=600 * KG)
        chain.ship(session, world, lot=seed)
        chain.receive(session, world, lot=chain.lot_by_code(session, seed.code), weighed=500 * KG)
        oil, _cake = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 500 * KG)],
                                 oil=125 * KG, cake=350 * KG)
        incoming = chain.harvest_lot(session, world, grams=800 * KG)
        chain.ship(session, world, lot=incoming)
        return fruit.code, oil.code, incoming.code

    fruit, oil, incoming = build(app, setup)
    harvest = {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "2025-10-25"}
    plot = plot_form(app)
    hull = {f"input-{fruit}": "1000", "seed": "250", "husk": "300", "occurred_on": "2025-11-10"}
    lab = {"code": oil, "acid_value": "0.85", "peroxide_value": "0.12", "moisture": "0.06",
           "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"}
    receipt = {"code": incoming, "weighed": "800", "occurred_on": "2025-11-21"}
    for number in HUGE:
        auth.login("coop")
        refuse(app, auth, "/harvest/new", {**harvest, "weight": number}, FAR_TOO_LARGE, field="weight")
        refuse(app, auth, "/planting/plots/new", {**plot, "area": number}, FAR_TOO_LARGE, field="area")
        refuse(app, auth, "/harvest/dry-hull", {**hull, "seed": number}, FAR_TOO_LARGE, field="seed")
        refuse(app, auth, "/harvest/dry-hull", {**hull, "husk": number}, FAR_TOO_LARGE, field="husk")
        # the quantity taken from an input lot: refused next to that lot's field
        with nothing_written(app):
            response = auth.post("/harvest/dry-hull", {**hull, f"input-{fruit}": number})
        assert response.status_code == 422 and re.search(
            rf'id="input-{fruit}"[^>]*>\s*<p class="error">[^<]+</p>', page(response)), page(response)[:5000]
        auth.login("processor")
        for field in ("acid_value", "peroxide_value", "moisture"):
            refuse(app, auth, "/processing/quality", {**lab, field: number}, FAR_TOO_LARGE, field=field)
        refuse(app, auth, "/processing/receive", {**receipt, "weighed": number}, FAR_TOO_LARGE, field="weighed")
    with db_session(app) as session:
        assert session.exec(select(QualityTest)).all() == []
