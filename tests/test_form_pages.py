"""Every page of one form step (web.form_step), as the role that uses it:
the page answers 200 with its title, its h1 (and hint) and its form; an htmx
request gets the form's partial alone."""

import pytest

from . import chain
from .chain import db_session

HX = {"HX-Request": "true"}

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
    ("admin", "/admin/organizations/new", "New organization", "New organization", None),
    ("admin", "/admin/users/new", "New user", "New user", None),
    ("bureau", "/admin/grading", "Grading standard", "Seedling grading standard",
     "Nurseries grade against these thresholds; each grading keeps the values in force when it was done."),
    ("bureau", "/recalls", "Recalls", "Recalls", None),
]


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def planting_id(app, world):
    with db_session(app) as session:
        dispatched = chain.dispatch(session, world, batch=chain.seedling_batch(session, world))
        return chain.plant(session, world, dispatched=dispatched).id


def body(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role, address, title, heading, hint", FORM_PAGES, ids=[f"{r}:{a}" for r, a, *_ in FORM_PAGES])
def test_a_form_page_has_its_heading_and_its_form_and_htmx_gets_the_form_alone(client, auth, planting_id, role, address, title,
                                                                               heading, hint):
    url = address.format(planting=planting_id)
    auth.login(role)
    page = client.get(url)
    html = body(page)
    assert page.status_code == 200, html[:2000]
    assert "<html" in html and f"<title>{title} · " in html
    assert f"<h1>{heading}</h1>" in html
    assert (f'<p class="hint">{hint}</p>' in html) if hint else True
    assert f'<form method="post" action="{url}"' in html and 'name="csrf_token"' in html

    partial = client.get(url, headers=HX)
    fragment = body(partial)
    assert partial.status_code == 200, fragment[:2000]
    assert "<html" not in fragment and "<h1>" not in fragment
    assert f'<form method="post" action="{url}"' in fragment and 'name="csrf_token"' in fragment


def test_a_form_page_speaks_the_request_language(client, auth, world):
    auth.login("processor")
    chinese = body(client.get("/processing/press?lang=zh_CN"))
    assert 'lang="zh-CN"' in chinese and "<h1>Press seed into oil</h1>" not in chinese
    assert "<h1>Press seed into oil</h1>" in body(client.get("/processing/press?lang=en"))
