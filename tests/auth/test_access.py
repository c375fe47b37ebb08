"""Who may open what: pages by role, lot pages by participation (full for
owners past and present and the bureau, origin-only downstream, nothing for
the unrelated), passwords kept only as hashes, forms only with their CSRF
token, and sessions that end when the user's session version rises."""

from urllib.parse import urlsplit

import pytest
from sqlmodel import select
from werkzeug.security import check_password_hash

from oilchain.auth.models import User

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..conftest import PASSWORD
from ..http import batch_form, page, plot_form, product_form


pytestmark = pytest.mark.usefixtures("english")


# Pages of one role that every other role must be refused.
ROLE_PAGES = {
    "nursery": ["/nursery/", "/nursery/batches/new", "/nursery/dispatch"],
    "cooperative": ["/harvest/", "/harvest/new", "/harvest/dry-hull", "/planting/", "/planting/plots/new",
                    "/planting/plantings/new"],
    "processor": ["/processing/", "/processing/receive", "/processing/press", "/processing/bottle",
                  "/processing/products/new", "/sales/", "/sales/new"],
    "admin": ["/admin/", "/admin/organizations/new", "/admin/users/new"],
}
USERS = {"nursery": "nursery", "cooperative": "coop", "processor": "processor", "manager": "bureau", "admin": "admin"}
# Pages two roles share (a processor may dry and hull fruit it owns, and ship).
SHARED = {("/harvest/dry-hull", "processor"), ("/harvest/ship", "processor")}


def test_each_role_is_refused_other_roles_pages(client, auth, world):
    for role, username in USERS.items():
        auth.login(username)
        for owner, urls in ROLE_PAGES.items():
            for url in urls:
                response = client.get(url)
                if owner == role or (url, role) in SHARED:
                    assert response.status_code == 200, (username, url)
                else:
                    assert response.status_code == 403, (username, url, response.status_code)


def test_a_refused_page_says_so(client, auth, world):
    for username, url in [("coop", "/processing/"), ("processor", "/nursery/"), ("nursery", "/harvest/new")]:
        auth.login(username)
        response = client.get(url)
        assert response.status_code == 403, (username, url)
        assert "You do not have access to this page." in page(response)


def test_a_refused_role_cannot_post_either(app, client, auth, world):
    auth.login("nursery")
    with nothing_written(app):
        response = auth.post("/harvest/new", {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3",
                                              "occurred_on": "2025-10-25"})
        assert response.status_code == 403


def test_anonymous_users_are_sent_to_login(app, client, world):
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=500 * KG)
    urls = ["/harvest/new", "/nursery/", "/processing/press", "/admin/", "/reports/dashboard", "/lots",
            f"/l/{fruit.code}", f"/l/{fruit.code}/trace", f"/planting/plots/{world.plots['mawang'].id}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 303), (url, response.status_code)
        assert response.headers["Location"].startswith("/login"), url
    assert client.get("/").headers["Location"].endswith("/login")
    assert "老屋基" not in page(client.get(f"/l/{fruit.code}", follow_redirects=True))


def test_a_manager_reads_any_lot_page_and_the_dashboard(app, client, auth, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        other = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=700 * KG)
    auth.login("bureau")
    for lot in (built.batch, built.dispatched, built.fruit, built.seed, built.oil, built.product_lot, other):
        response = client.get(f"/l/{lot.code}")
        assert response.status_code == 200, lot.code
        assert "Remaining" in page(response), lot.code  # the full page, quantities included
    assert client.get(f"/l/{built.fruit.code}/trace").status_code == 200
    assert client.get(f"/planting/plots/{world.plots['longtan'].id}").status_code == 200
    dashboard = client.get("/reports/dashboard")
    assert dashboard.status_code == 200
    assert "<html" in page(dashboard)


@pytest.fixture
def origin_chain(app, world):
    """coop harvests 9,123.456 kg and hulls 8,000 kg of it; the seed goes to
    `processor`, which presses it. The fruit lot keeps 1,123.456 kg at coop."""
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=HARVESTED_G)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 8_000 * KG)], seed=2_000 * KG, husk=3_200 * KG)
        chain.ship(session, world, lot=seed)
        chain.receive(session, world, lot=seed, weighed=2_000 * KG)
        oil, _cake = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 2_000 * KG)],
                                 oil=500 * KG, cake=1_400 * KG)
        return fruit, seed, oil

    with db_session(app) as session:
        return setup(session)


HARVESTED_G = 9_123_456
HARVESTED_TEXT = ("9,123.456", "9123.456")
LEFT_TEXT = ("1,123.456", "1123.456")  # 9,123.456 kg harvested less 8,000 kg hulled


def test_an_unrelated_organization_gets_403_on_a_lot_page(client, auth, world, origin_chain):
    fruit, seed, oil = origin_chain
    auth.login("processor2")
    for lot in (fruit, seed, oil):
        assert client.get(f"/l/{lot.code}").status_code == 403, lot.code
    assert client.get(f"/l/{fruit.code}/trace.json").status_code == 403
    auth.login("coop2")
    assert client.get(f"/l/{fruit.code}").status_code == 403
    assert client.get(f"/planting/plots/{world.plots['mawang'].id}").status_code == 403


def test_the_processor_sees_the_origin_of_its_oil(client, auth, world, origin_chain):
    fruit, seed, oil = origin_chain
    auth.login("processor")
    html = page(client.get(f"/l/{oil.code}"))
    for fact in ("麻旺镇", "麻旺合作社", "老屋基"):
        assert fact in html, fact


def test_upstream_lot_is_origin_only_for_the_processor(client, auth, world, origin_chain):
    fruit, seed, oil = origin_chain
    auth.login("coop")
    owners_view = page(client.get(f"/l/{fruit.code}"))
    assert LEFT_TEXT[0] in owners_view  # the owner sees what is left

    auth.login("processor")
    response = client.get(f"/l/{fruit.code}")
    assert response.status_code == 200
    html = page(response)
    assert fruit.code in html
    assert "麻旺镇" in html and "麻旺合作社" in html  # origin facts
    assert not any(text in html for text in LEFT_TEXT)  # not the owner's stock
    assert "Remaining" not in html and "History" not in html
    assert "Reverse this entry" not in html
    # Origin access is not a trace of the owner's records.
    assert client.get(f"/l/{fruit.code}/trace").status_code == 403
    assert client.get(f"/l/{fruit.code}/trace.json").status_code == 403


def test_origin_only_page_shows_no_quantity_of_the_owners_lot(client, auth, world, origin_chain):
    """Origin facts are township, cooperative, plot, variety and nursery;
    how much the cooperative harvested stays with it and the bureau."""
    fruit, seed, oil = origin_chain
    auth.login("processor")
    html = page(client.get(f"/l/{fruit.code}"))
    assert "老屋基" in html
    assert not any(text in html for text in HARVESTED_TEXT), "the harvest quantity is shown to an origin-only reader"


def test_a_plot_page_is_full_for_its_cooperative_and_origin_only_downstream(client, auth, world, origin_chain):
    plot = world.plots["mawang"]
    auth.login("coop")
    owners_view = page(client.get(f"/planting/plots/{plot.id}"))
    assert "108.93112" in owners_view  # the position, a full-access fact
    auth.login("processor")
    response = client.get(f"/planting/plots/{plot.id}")
    assert response.status_code == 200
    html = page(response)
    assert "麻旺镇" in html and "麻旺合作社" in html
    assert "108.93112" not in html and "Harvests" not in html


def test_the_lot_list_shows_only_lots_an_organization_took_part_in(app, client, auth, world, origin_chain):
    fruit, seed, oil = origin_chain
    with db_session(app) as session:
        other = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=700 * KG)
    auth.login("coop2")
    html = page(client.get("/lots"))
    assert other.code in html
    assert not any(lot.code in html for lot in (fruit, seed, oil))
    auth.login("processor")
    html = page(client.get("/lots"))
    assert seed.code in html and oil.code in html
    assert fruit.code not in html and other.code not in html
    auth.login("bureau")
    html = page(client.get("/lots"))
    assert all(lot.code in html for lot in (fruit, seed, oil, other))


def test_sign_in_only_returns_to_a_page_of_this_site(client, auth, world):
    token = auth.token()
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\\/evil.example/"]:
        response = client.post("/login", query_string={"next": target},
                               data={"username": "coop", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        location = response.headers["Location"]
        # A path of this site: no scheme, no host, nothing a browser reads as "//host".
        assert urlsplit(location).scheme == "" and urlsplit(location).netloc == "", (target, location)
        assert location.startswith("/") and not location.startswith(("//", "/\\")), (target, location)
    response = client.post("/login", query_string={"next": "/harvest/new"},
                           data={"username": "coop", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/harvest/new"


def test_passwords_are_stored_hashed(app, client, auth, world):
    with db_session(app) as session:
        users = session.exec(select(User)).all()
    assert len(users) == len(world.actors)
    for user in users:
        assert user.password_hash != PASSWORD
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("pbkdf2:sha256:1000$")  # the suite's PASSWORD_HASH_METHOD
        assert check_password_hash(user.password_hash, PASSWORD)
    # Two users with the same password get different hashes (salted).
    assert len({user.password_hash for user in users}) == len(users)

    token = auth.token()
    response = client.post("/login", data={"username": "coop", "password": "wrong-password", "csrf_token": token})
    assert response.status_code == 422
    assert "Wrong username or password." in page(response)


def test_the_hash_method_is_a_setting_and_scrypt_by_default(database_url, world):
    """The suite's cheap hashing is the app's setting, not a patch: an app
    made without it hashes new passwords with scrypt."""
    from oilchain import create_app, db
    from oilchain.auth import services as auth_services

    plain = create_app({"DATABASE_URL": database_url, "SERIAL_KEY": "k"})
    with plain.app_context():
        session = db.session()
        user = auth_services.create_user(session, username="newclerk", password=PASSWORD, role="cooperative",
                                         organization_id=world.orgs["coop"].id)
        assert user.password_hash.startswith("scrypt:")
        session.rollback()
    plain.extensions["oilchain.engine"].dispose()
    plain.extensions["oilchain.scan_engine"].dispose()


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(app, client, auth, world):
    cases = [
        ("coop", "/harvest/new", {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "2025-10-25"}),
        ("coop", "/planting/plots/new", plot_form(app)),
        ("nursery", "/nursery/batches/new", batch_form(app)),
        ("processor", "/processing/products/new", product_form()),
        ("admin", "/admin/organizations/new", {"name": "板溪合作社", "kind": "cooperative", "credit_code": "", "township_id": ""}),
    ]
    for username, url, form in cases:
        auth.login(username)
        with nothing_written(app):
            response = client.post(url, data=form)
            assert response.status_code == 400, (url, page(response)[:2000])
            assert "CSRF" in page(response)
        with nothing_written(app):
            response = client.post(url, data={**form, "csrf_token": "forged-token"})
            assert response.status_code == 400, url


def test_raising_the_users_session_version_ends_its_sessions(app, client, auth, world):
    from oilchain.auth.models import User

    auth.login("coop")
    assert client.get("/harvest/").status_code == 200
    with db_session(app) as session:
        user = session.exec(select(User).where(User.username == "coop")).one()
        user.session_version += 1
        session.add(user)
        session.commit()
    assert client.get("/harvest/").status_code == 302
