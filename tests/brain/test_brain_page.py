"""The brain's map page, its data and the big screen: who sees which records
(the county for the bureau; a cooperative, processor or nursery its own),
what the page says when the nightly tables are empty or filled, and the
display tokens that open the big screen and nothing else."""

import json
import re
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from oilchain.admin.models import AuditEntry
from oilchain.auth.models import AccessToken
from oilchain.brain.models import Forecast, ForecastBacktest, ForecastOutlook, Warning
from oilchain.reports.models import Target

from .. import chain

pytestmark = pytest.mark.usefixtures("english")
SEASON = 2025


def map_plots(client, **args) -> set[str]:
    response = client.get("/brain/map.json", query_string={"season": SEASON, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {plot["name"] for plot in response.get_json()["plots"]}


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/brain/").status_code == 302
    assert "/login" in client.get("/brain/").headers["Location"]
    assert client.get("/brain/screen").status_code == 302
    assert client.get("/brain/map.json").status_code == 401
    assert client.get("/brain/displays").status_code == 302


def test_the_bureau_sees_every_plot_and_an_organization_its_own(app, auth, client, world):
    auth.login("bureau")
    assert map_plots(client) == {"老屋基", "青山坡"}
    auth.login("coop")
    assert map_plots(client) == {"老屋基"}
    page = client.get(f"/brain/?season={SEASON}").get_data(as_text=True)
    embedded = json.loads(re.search(r'<script id="brain-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert {plot["name"] for plot in embedded["data"]["plots"]} == {"老屋基"}
    assert [row["name"] for row in embedded["data"]["townships"]] == ["麻旺镇"]
    auth.login("coop2")
    assert map_plots(client) == {"青山坡"}


def test_a_processor_sees_the_plots_its_lots_came_from(app, auth, client, world):
    with chain.db_session(app) as session:
        chain.seed_at_processor(session, world)
        session.commit()
    auth.login("processor")
    assert map_plots(client) == {"老屋基"}
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert [flow["value"] for flow in data["shipments"]] in ([], [chain.SEED_G])  # drawn when the processor has a position
    auth.login("processor2")
    assert map_plots(client) == set()
    auth.login("nursery")
    assert map_plots(client) == {"老屋基"}  # its seedlings went there


def test_flows_are_drawn_between_organizations_with_positions(app, auth, client, world):
    with chain.db_session(app) as session:
        chain.seed_at_processor(session, world)
        for name in ("nursery", "processor"):
            org = world.orgs[name]
            org = session.merge(org)
            org.latitude_e6, org.longitude_e6 = 28_840_000, 108_770_000
            session.add(org)
        session.commit()
    auth.login("bureau")
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert {o["kind"] for o in data["orgs"]} == {"nursery", "processor"}
    assert data["dispatches"] == []  # dispatched in 2021: not this season's flow
    assert [line["value"] for line in data["shipments"]] == [chain.SEED_G]
    assert data["shipments"][0]["coords"][0] == [108.93112, 28.65231]  # the cooperative's plots' centre
    in_2021 = client.get("/brain/map.json", query_string={"season": chain.DISPATCHED_ON.year}).get_json()
    assert [line["value"] for line in in_2021["dispatches"]] == [2_000] and in_2021["shipments"] == []


def test_the_page_says_so_when_the_nightly_tables_are_empty(app, auth, client, world):
    auth.login("bureau")
    response = client.get(f"/brain/?season={SEASON}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No forecast yet: the nightly run computes it." in html
    assert 'data-index="open_warnings"' in html
    screen = client.get(f"/brain/screen?season={SEASON}").get_data(as_text=True)
    assert "No open warnings." in screen


def test_the_page_reads_the_forecast_and_the_warnings(app, auth, client, world):
    with chain.db_session(app) as session:
        township = world.plots["mawang"].township_id
        for as_of, seed in ((date(2025, 12, 1), 1_000_000), (date(2025, 12, 19), 2_000_000_000)):
            for township_id in (None, township):
                session.add(Forecast(season=SEASON, as_of=as_of, township_id=township_id, bearing_centimu=5000,
                                     curve_seed_g=seed, harvested_seed_g=seed // 2, forecast_seed_g=seed,
                                     forecast_oil_g=seed // 4, oil_permille=250, curve_only=False))
        session.add(Warning(kind="quality_drift", severity="critical", subject_kind="lot", subject_id=1,
                            subject_label="YY-O25-000001", message="Acid value rising.", state="open"))
        session.add(Warning(kind="quality_drift", severity="warning", subject_kind="lot", subject_id=2,
                            subject_label="YY-O25-000002", message="Old one.", state="resolved"))
        session.commit()
    auth.login("bureau")
    html = client.get(f"/brain/?season={SEASON}").get_data(as_text=True)
    assert "2,000 t" in html  # the latest day's forecast, not the earlier one's
    assert "1,000 t" in html  # its harvested seed in the township's row
    open_warnings = re.search(r'data-index="open_warnings">.*?class="index-value">([^<]*)<', html, re.S).group(1)
    assert open_warnings == "1"
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert [w["subject_label"] for w in data["warnings"]] == ["YY-O25-000001"]
    assert data["forecast"]["seed_g"] == 2_000_000_000
    screen = client.get(f"/brain/screen?season={SEASON}").get_data(as_text=True)
    assert "YY-O25-000001: Acid value rising." in screen and "YY-O25-000002" not in screen


def forecast_section(html: str) -> str:
    return re.search(r'<section class="card brain-forecast" id="forecast">(.*?)</section>', html, re.S).group(1)


def test_the_forecast_stands_against_the_target_with_its_past_accuracy(app, auth, client, world):
    with chain.db_session(app) as session:
        session.add(Forecast(season=SEASON, as_of=date(2025, 11, 5), township_id=None, bearing_centimu=5000,
                             curve_seed_g=12_000_000_000, harvested_seed_g=4_000_000_000, forecast_seed_g=11_700_000_000,
                             forecast_oil_g=2_925_000_000, oil_permille=250, curve_only=False))
        session.add(Target(year=SEASON, metric="seed_processed", value=13_000_000_000))
        session.add_all(ForecastOutlook(computed_for=SEASON, year=year, bearing_centimu=5000 + year, seed_g=1_000_000 * year)
                        for year in range(SEASON + 1, SEASON + 6))
        session.commit()
    auth.login("bureau")
    section = forecast_section(client.get(f"/brain/?season={SEASON}").get_data(as_text=True))
    assert "11,700 t" in section and "2,925 t" in section  # seed and oil forecast
    assert "13,000 t" in section and "3,250 t" in section  # the target, and its oil at this season's 25%
    assert "90.0% of the target" in section
    assert "not enough history yet" in section
    assert [int(y) for y in re.findall(r"<tr><td>(\d{4})</td>", section)] == list(range(SEASON + 1, SEASON + 6))
    with chain.db_session(app) as session:  # the nightly run backtested the season before
        session.add_all([ForecastBacktest(season=SEASON - 1, as_of=date(2024, 10, 1), forecast_seed_g=110, actual_seed_g=100,
                                          error_permille=100),
                         ForecastBacktest(season=SEASON - 1, as_of=date(2024, 11, 15), forecast_seed_g=98, actual_seed_g=100,
                                          error_permille=-20)])
        session.commit()
    section = forecast_section(client.get(f"/brain/?season={SEASON}").get_data(as_text=True))
    assert "Accuracy in 2024" in section and "+10.0%" in section and "-2.0%" in section
    assert "not enough history yet" not in section


def issue_token(auth, client, label="meeting room 3") -> str:
    response = auth.post("/brain/displays", {"label": label})
    assert response.status_code == 200
    address = re.search(r'id="issued-url">([^<]+)<', response.get_data(as_text=True)).group(1)
    return address.split("token=")[1]


def test_a_display_token_opens_the_screen_and_nothing_else(app, auth, client, world):
    auth.login("bureau")
    token = issue_token(auth, client)
    with app.app_context():
        from oilchain import db

        session = db.session()
        record = session.exec(select(AccessToken).where(AccessToken.purpose == "display")).one()
        assert token not in record.token_hash  # stored hashed
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "display_token_issue")).one().entity_id == record.id
    auth.logout()
    assert client.get(f"/brain/screen?token={token}").status_code == 200
    assert client.get(f"/brain/map.json?token={token}").status_code == 200
    for elsewhere in ("/brain/", "/brain/displays", "/reports/dashboard", "/lots", f"/planting/plots/{world.plots['mawang'].id}"):
        answer = client.get(f"{elsewhere}?token={token}")
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], elsewhere

    auth.login("bureau")
    response = auth.post(f"/brain/displays/{record.id}/revoke")
    assert response.status_code == 303
    auth.logout()
    refused = client.get(f"/brain/screen?token={token}")
    assert refused.status_code == 403 and "This token was revoked." in refused.get_data(as_text=True)
    assert client.get(f"/brain/map.json?token={token}").status_code == 403
    with app.app_context():
        from oilchain import db

        assert db.session().exec(select(AuditEntry).where(AuditEntry.action == "display_token_revoke")).one()


def test_a_bad_token_is_refused_not_an_error(client, world, app):
    for token in ("nonsense", "", "%00", "x" * 5000):
        response = client.get("/brain/screen", query_string={"token": token})
        assert response.status_code == 403, token
        assert client.get("/brain/map.json", query_string={"token": token}).status_code == 403
    with chain.db_session(app) as session:  # another purpose's token does not open the screen
        from oilchain.auth import services

        tablet, _record = services.issue_token(session, user_id=world.actors["coop"].user_id, org_id=world.orgs["coop"].id,
                                               purpose="tablet", label="t", days=1)
        expired, record = services.issue_token(session, user_id=world.actors["bureau"].user_id,
                                               org_id=world.orgs["bureau"].id, purpose="display", label="old", days=1)
        record.expires_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
        session.add(record)
        session.commit()
    assert client.get("/brain/screen", query_string={"token": tablet}).status_code == 403
    assert "expired" in client.get("/brain/screen", query_string={"token": expired}).get_data(as_text=True)


def test_issuing_needs_a_name_and_a_manager(app, auth, client, world):
    auth.login("bureau")
    for label in ("", "   ", "x" * 81):
        response = auth.post("/brain/displays", {"label": label})
        assert response.status_code == 422
        assert 'class="error"' in response.get_data(as_text=True)
    client.set_cookie("lang", "zh_CN")
    assert "请为屏幕命名" in auth.post("/brain/displays", {"label": ""}).get_data(as_text=True)
    assert auth.post("/brain/displays/999999/revoke").status_code == 422
    with app.app_context():
        from oilchain import db

        assert db.session().exec(select(AccessToken)).all() == []
    for who in ("coop", "processor", "admin"):
        auth.login(who)
        assert client.get("/brain/displays").status_code == 403
        assert auth.post("/brain/displays", {"label": "room"}).status_code == 403
    auth.login("admin")
    assert client.get("/brain/").status_code == 200  # the county's map for admins too
    assert client.get("/brain/screen").status_code == 403  # the screen is the managers'


def test_a_season_out_of_range_is_not_found(auth, client, world):
    auth.login("bureau")
    assert client.get("/brain/?season=1500").status_code == 404
    assert client.get("/brain/map.json?season=99999").status_code == 404


def test_the_big_screen_words_a_warning_as_the_warnings_page_does(app, auth, client, world):
    with chain.db_session(app) as session:
        session.add(Warning(kind="processing_lag", severity="warning", subject_kind="township", subject_id=1,
                            subject_label="麻旺镇", message="%(unprocessed_g)s unprocessed, %(share_permille)s of the harvest.",
                            values={"unprocessed_g": 11_904_000, "share_permille": 1000}, state="open"))
        session.commit()
    auth.login("bureau")
    screen = client.get(f"/brain/screen?season={SEASON}").get_data(as_text=True)
    assert "11,904 unprocessed, 100% of the harvest." in screen
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert data["warnings"][0]["text"] == "11,904 unprocessed, 100% of the harvest."


def test_the_township_table_takes_the_forecast_bearing_area(app, auth, client, world):
    auth.login("bureau")
    before = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    township = world.plots["mawang"].township_id
    plots_rule = next(row["bearing"] for row in before["townships"] if row["id"] == township)
    assert plots_rule != 1234
    with chain.db_session(app) as session:
        for township_id in (None, township):
            session.add(Forecast(season=SEASON, as_of=date(2025, 12, 19), township_id=township_id, bearing_centimu=1234,
                                 curve_seed_g=1, harvested_seed_g=0, forecast_seed_g=1, forecast_oil_g=0,
                                 oil_permille=250, curve_only=True))
        session.commit()
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert next(row["bearing"] for row in data["townships"] if row["id"] == township) == 1234
    assert data["forecast"]["bearing_centimu"] == 1234
    html = client.get(f"/brain/?season={SEASON}").get_data(as_text=True)
    bearing = re.search(r'data-index="bearing_area">.*?class="index-value">([^<]*)<', html, re.S).group(1)
    assert bearing == "12.34 mu"
    auth.login("coop")  # one organization's plots: the plots' own rule (the forecast is whole townships')
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    assert next(row["bearing"] for row in data["townships"] if row["id"] == township) == plots_rule


def test_a_processor_sees_no_nurserys_dispatches(app, auth, client, world):
    with chain.db_session(app) as session:
        chain.seed_at_processor(session, world)
        session.commit()
    season = chain.DISPATCHED_ON.year
    auth.login("nursery")
    data = client.get("/brain/map.json", query_string={"season": season}).get_json()
    assert [row["seedlings"] for row in data["townships"]] == [2_000]
    auth.login("processor")
    data = client.get("/brain/map.json", query_string={"season": season}).get_json()
    assert [p["name"] for p in data["plots"]] == ["老屋基"]
    assert data["dispatches"] == [] and [row["seedlings"] for row in data["townships"]] == [0]


def test_a_screen_token_whose_manager_is_gone_says_so(app, client, world):
    from oilchain.auth import services
    from oilchain.auth.models import User

    with chain.db_session(app) as session:
        token, _record = services.issue_token(session, user_id=world.actors["bureau"].user_id,
                                              org_id=world.orgs["bureau"].id, purpose="display", label="hall", days=30)
        user = session.get(User, world.actors["bureau"].user_id)
        user.active = False
        session.add(user)
        session.commit()
    refused = client.get("/brain/screen", query_string={"token": token})
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "can no longer show the screen" in text and "record harvests" not in text
