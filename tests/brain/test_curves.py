"""Managers edit the forecast's curves at /brain/curves: a saved value
moves the forecast (and the trace's bearing rule), an audit entry records
it; negative or absurd values, a window that goes back or does not end at
1,000 are refused next to their field and nothing is written."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain.admin.models import AuditEntry
from oilchain.brain import curves, forecast
from oilchain.ledger import trace
from oilchain.ledger.models import YieldCurve

from ..chain import db_session, nothing_written
from ..http import assert_refused, page

pytestmark = pytest.mark.usefixtures("english")
URL = "/brain/curves"


def post(auth, which, **fields):
    data = {"which": which, f"{which}-csrf_token": auth.token(), **{f"{which}-{k}": v for k, v in fields.items()}}
    return auth.client.post(URL, data=data)


def test_a_manager_edits_the_yield_curve_and_the_forecast_follows(app, auth, world):
    auth.login("bureau")
    shown = auth.client.get(URL)
    assert shown.status_code == 200 and "10-10 0\n10-20 120" in page(shown)
    assert post(auth, "yield", group="local", age_years="9", seed_kg="90").status_code == 303
    assert post(auth, "yield", group="improved", age_years="2", seed_kg="5.5").status_code == 303
    with db_session(app) as session:
        assert session.get(YieldCurve, ("local", 9)).seed_g_per_mu == 90_000
        assert trace.bearing_years(session) == 2  # the improved trees bear from their 2nd year now
        county = forecast.estimate(session, date(2025, 9, 30)).county
        assert county.curve_seed_g == 80 * 90_000  # both plots are local and 9 years or older
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "yield_curve")).all()
        assert len(audited) == 2 and '"seed_g_per_mu": 90000' in audited[0].detail


def test_renovation_effects_and_the_harvest_window_are_saved(app, auth, world):
    auth.login("bureau")
    assert post(auth, "effect", method="tending", years_since="4", permille="1350").status_code == 303
    assert post(auth, "window", points="10-15 0\n11-01 500\n11-25 1000").status_code == 303
    with db_session(app) as session:
        data = curves.load(session)
        assert data.effect("tending", 6) == 1350
        assert data.window == ((10, 15, 0), (11, 1, 500), (11, 25, 1000))
        assert data.share(date(2025, 11, 13)) == 750


@pytest.mark.parametrize("fields, field, message", [
    (dict(group="local", age_years="5", seed_kg="-1"), "yield-seed_kg", "Must be at least 0"),
    (dict(group="local", age_years="5", seed_kg="1000.001"), "yield-seed_kg", "Must be at most 1000"),
    (dict(group="local", age_years="101", seed_kg="10"), "yield-age_years", "between 0 and 100"),
    (dict(group="pine", age_years="5", seed_kg="10"), "yield-group", "Not a valid choice"),
])
def test_bad_yields_are_refused_next_to_their_field(app, auth, world, fields, field, message):
    auth.login("bureau")
    with nothing_written(app):
        response = post(auth, "yield", **fields)
    assert_refused(response, message, field=field)


@pytest.mark.parametrize("which, fields, field, message", [
    ("effect", dict(method="tending", years_since="1", permille="3001"), "effect-permille", "between 0 and 3000"),
    ("effect", dict(method="tending", years_since="-1", permille="1000"), "effect-years_since", "between 0 and 30"),
    ("effect", dict(method="replanting", years_since="1", permille="900"), "effect-method", "Not a valid choice"),
    ("window", dict(points="10-10 0\n11-01 600\n11-20 500\n11-30 1000"), "window-points",
     "Line 3: the share picked cannot go back (it is cumulative)."),
    ("window", dict(points="10-10 0\n11-30 900"), "window-points",
     "The last day ends the harvest: its share is 1,000 per mille."),
    ("window", dict(points="11-10 0\n11-01 1000"), "window-points", "Line 2: each day comes after the one before."),
    ("window", dict(points="10-10 0\n13-01 1000"), "window-points",
     "Line 2: write a day and a share per mille, like 11-10 700."),
    ("window", dict(points="10-10 0\n11-30 1200"), "window-points", "Line 2: the share lies between 0 and 1,000 per mille."),
    ("window", dict(points="11-30 1000"), "window-points", "Give at least two days: the harvest's start and its end."),
])
def test_bad_effects_and_windows_are_refused_next_to_their_field(app, auth, world, which, fields, field, message):
    auth.login("bureau")
    with nothing_written(app):
        response = post(auth, which, **fields)
    assert_refused(response, message, field=field)


def test_only_the_bureau_edits_the_curves(app, auth, world):
    auth.login("coop")
    assert auth.client.get(URL).status_code == 403
    with nothing_written(app):
        assert post(auth, "yield", group="local", age_years="9", seed_kg="90").status_code == 403


def test_the_services_refuse_what_the_forms_would_not_send(session, world, english_services):
    from oilchain.brain import curve_services
    from oilchain.errors import Invalid

    actor = world.actors["bureau"]
    for call, field in ((lambda: curve_services.set_yield(session, actor=actor, group="local", age_years=5,
                                                          seed_g_per_mu=1_000_001), "seed_kg"),
                        (lambda: curve_services.set_yield(session, actor=actor, group="local", age_years=5,
                                                          seed_g_per_mu=-1), "seed_kg"),
                        (lambda: curve_services.set_effect(session, actor=actor, method="tending", years_since=2,
                                                           permille=-5), "permille")):
        with pytest.raises(Invalid) as refused:
            call()
        assert refused.value.field == field
