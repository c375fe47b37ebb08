"""The `oilchain` command line."""

from sqlmodel import func, select

from oilchain import db
from oilchain.auth.models import Organization, User
from oilchain.ledger.models import Lot
from oilchain.processing.models import ProductLot


def test_demo_fills_an_empty_database_and_prints_logins_and_a_bottle(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for username in ("admin", "manager", "nursery", "coop", "processor"):
        assert f"  {username} " in result.output
    url = next(line.strip() for line in result.output.splitlines() if "/01/" in line)
    path = url.split(app.config["PUBLIC_BASE_URL"], 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    with app.app_context():
        session = db.session()
        assert session.exec(select(func.count()).select_from(ProductLot)).one() >= 2
        # Every lot of the demo obeys the ledger: remaining equals its lines.
        from oilchain.ledger import remaining_from_lines

        for lot in session.exec(select(Lot)):
            assert lot.remaining == remaining_from_lines(session, lot.id), lot.code
        # Its archived reports are the demo data's, a system actor (oilchain/actors.py).
        from oilchain.actors import DEMO
        from oilchain.reports.models import ReportArchive

        assert set(session.exec(select(ReportArchive.created_by))) == {DEMO}


def test_demo_refuses_a_database_with_data_unless_told(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        before = db.session().exec(select(func.count()).select_from(Lot)).one()
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "already has data" in refused.output
    skipped = runner.invoke(args=["demo", "--if-empty"])
    assert skipped.exit_code == 0 and "not loaded" in skipped.output
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Lot)).one() == before
    assert runner.invoke(args=["orgs", "create", "不在演示里的合作社", "--kind", "cooperative"]).exit_code == 0
    reset = runner.invoke(args=["demo", "--reset", "--yes"])
    assert reset.exit_code == 0, reset.output
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Lot)).one() == before
        # Erased first: what was there beside the demo is gone.
        assert db.session().exec(select(Organization).where(Organization.name == "不在演示里的合作社")).first() is None


def test_users_create_hashes_the_password(app, runner):
    assert runner.invoke(args=["orgs", "create", "县林业局", "--kind", "bureau"]).exit_code == 0
    result = runner.invoke(
        args=["users", "create", "ran", "--role", "manager", "--org", "县林业局", "--password", "tea-oil-county-7"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session().exec(select(User).where(User.username == "ran")).one()
        assert user.password_hash != "tea-oil-county-7" and user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_users_create_and_reset_refuse_common_passwords(app, runner):
    assert runner.invoke(args=["orgs", "create", "县林业局", "--kind", "bureau"]).exit_code == 0
    for weak in ("password", "12345678", "1qaz2wsx3edc"):
        result = runner.invoke(args=["users", "create", "ran", "--role", "admin", "--org", "县林业局", "--password", weak])
        assert result.exit_code != 0 and "密码" in result.output, result.output
    assert runner.invoke(args=["users", "create", "ran", "--role", "admin", "--org", "县林业局",
                               "--password", "tea-oil-county-7"]).exit_code == 0
    assert runner.invoke(args=["users", "reset-password", "ran", "--password", "qwertyuiop"]).exit_code != 0
    result = runner.invoke(args=["users", "reset-password", "ran", "--password", "hill-road-lantern-9"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session().exec(select(User).where(User.username == "ran")).one()
        assert user.must_change_password


def test_users_create_refuses_bad_input_clearly(app, runner):
    runner.invoke(args=["orgs", "create", "良种苗圃", "--kind", "nursery"])
    unknown_org = runner.invoke(args=["users", "create", "a", "--role", "nursery", "--org", "无此单位", "--password", "longenough"])
    assert unknown_org.exit_code != 0 and "No organization" in unknown_org.output
    wrong_role = runner.invoke(args=["users", "create", "b", "--role", "processor", "--org", "良种苗圃", "--password", "longenough"])
    assert wrong_role.exit_code != 0
    short = runner.invoke(args=["users", "create", "c", "--role", "nursery", "--org", "良种苗圃", "--password", "short"])
    assert short.exit_code != 0
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(User)).one() == 0
        assert db.session().exec(select(func.count()).select_from(Organization)).one() == 1


def test_db_upgrade_is_repeatable_and_adds_reference_data(app, runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "'townships': 0" in result.output  # the fixture seeded them already; nothing doubled
