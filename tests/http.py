"""Helpers for tests that go through the HTTP client: pages in English, the
answer's text, a refusal shown next to its field and writing nothing, the
redirect of a good submission, rows and lots read back in a session of their
own, good forms of the modules, and lots in the state a form acts on.

The language fixtures are made visible to every test by conftest.py; a
module asks for them with `pytestmark = pytest.mark.usefixtures("english")`."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlmodel import select

from oilchain.ledger.models import Lot
from oilchain.reference import YIELD_BOUNDS

from . import chain
from .chain import TODAY, db_session, nothing_written

FUTURE = (TODAY.date() + timedelta(days=1)).isoformat()  # the day after the pinned "today"
HX = {"HX-Request": "true"}
HUGE = ("1e999999", "123456789012345678901")  # numbers no column can hold
FAR_TOO_LARGE = "This number is far too large."


# --- language ------------------------------------------------------------------------------


@pytest.fixture
def english(client):
    """Pages in English, so that the tests can name their messages."""
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def english_services(session, english):
    """English for messages made outside a request too (a service's
    refusals), in the app context of the `session` fixture."""
    with force_locale("en"):
        yield


@pytest.fixture
def en(english):
    """The client in English, for the tests of a module that asks by name."""
    return english


# --- answers -------------------------------------------------------------------------------


def page(response) -> str:
    return response.get_data(as_text=True)


def assert_refused(response, fragment: str, status: int = 422, field: str | None = None):
    """The answer is `status` and `fragment` stands in an error paragraph
    (the one of `field`, its `<field>-error`, when named)."""
    html = page(response)
    assert response.status_code == status, html[:3000]
    where = rf'<p class="error" id="{field}-error">' if field else r'<p class="error[^"]*"[^>]*>'
    assert re.search(where + r"[^<]*" + re.escape(str(escape(fragment))), html), \
        f"{fragment!r} is not shown as an error:\n{html[:5000]}"


def refuse(app, auth, url, data, fragment, status=422, field=None):
    """POST `data`: refused with `fragment` (next to `field` when named),
    and nothing written."""
    with nothing_written(app):
        response = auth.post(url, data)
    assert_refused(response, fragment, status, field)
    return response


def field_error(html: str, field_id: str) -> str:
    """The message in the error paragraph of a field."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def redirected_to(response) -> str:
    assert response.status_code == 303, page(response)[:3000]
    return response.headers["Location"]


def lot_code_from(response) -> str:
    """The lot page a successful form redirects to names the new lot."""
    return redirected_to(response).rsplit("/l/", 1)[1]


# --- the database, in a session of its own ------------------------------------------------


def build(app, step):
    """Run `step(session)` in an app context of its own; the chain helpers commit."""
    with db_session(app) as session:
        return step(session)


def rows(app, model, *where) -> list:
    with db_session(app) as session:
        return list(session.exec(select(model).where(*where)))


def a_lot(app, code: str) -> Lot:
    with db_session(app) as session:
        return chain.lot_by_code(session, code)


def plausible(step: str, kind: str) -> str:
    """The seeded yield bounds of a step's output, as a refusal names them."""
    low, high = (format((Decimal(permille) / 10).normalize(), "f") for permille in YIELD_BOUNDS[(step, kind)])
    return f"{low}%–{high}%"


# --- good forms ------------------------------------------------------------------------------


def batch_form(app, **changes) -> dict:
    """Registering a batch as it is grafted (tests/nursery/test_nursery.py walks the rest)."""
    with db_session(app) as session:
        variety = chain.variety_id(session)
    form = {"variety_id": variety, "propagation": "grafting", "seed_source": "国家油茶良种基地长林4号采穗圃",
            "quantity": "10000", "occurred_on": "2025-03-10"}
    form.update(changes)
    return form


def plot_form(app, **changes) -> dict:
    with db_session(app) as session:
        township = chain.township_id(session, "麻旺镇")
    form = {"name": "后山", "township_id": township, "village": "麻旺村", "area": "12.5", "latitude": "28.65",
            "longitude": "108.93", "year_planted": "2015"}
    form.update(changes)
    return form


def product_form(**changes) -> dict:
    form = {"name": "桃花源 压榨山茶油 500ml", "gtin": chain.gtin(), "net_content_ml": "500", "fill_grams": "458",
            "shelf_life_days": "540"}
    form.update(changes)
    return form


# --- lots in the state a form acts on ----------------------------------------------------------


def shipped_seed(app, world, to="processor"):
    """A seed lot of coop's, shipped to `to` and not yet received."""
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
        chain.ship(session, world, lot=seed, to=to)
        return seed

    return build(app, setup)


def received_seed(app, world, to="processor"):
    seed = shipped_seed(app, world, to)
    build(app, lambda s: chain.receive(s, world, lot=chain.lot_by_code(s, seed.code), weighed=chain.RECEIVED_G, actor=to))
    return a_lot(app, seed.code)


def pressed_oil(app, world):
    seed = received_seed(app, world)
    return build(app, lambda s: chain.press(s, world, inputs=[(chain.lot_by_code(s, seed.code), chain.RECEIVED_G)],
                                             oil=chain.OIL_G, cake=chain.CAKE_G))[0]


def product_lot(app, world, units=1_000):
    oil = pressed_oil(app, world)

    def setup(session):
        made = chain.product(session, world)
        chain.quality(session, world, oil=oil)  # sales need a standing test of the oil
        return chain.bottle(session, world, oil=chain.lot_by_code(session, oil.code), made=made, units=units)

    return build(app, setup)
