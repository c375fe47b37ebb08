"""Targets year to year: one action copies every target of a year (ratios
too) into a later one, in one transaction, refused next to the action when
there is nothing to copy or the later year has targets already; racing
copies leave one set of rows (the database's unique (year, metric) and
INSERT ... ON CONFLICT DO NOTHING). The bureau's dashboard reminds the
managers when this plan year has no targets, naming the year it would copy."""

import json
import re

import pytest
from sqlmodel import select

from oilchain import db
from oilchain.admin.models import AuditEntry
from oilchain.errors import Invalid
from oilchain.reference import PLAN_TARGETS, PLAN_YEAR
from oilchain.reports import services as reports
from oilchain.reports.models import Target

from .. import races
from ..chain import db_session, nothing_written
from ..http import assert_refused, page

pytestmark = pytest.mark.usefixtures("english")
# The seeded plan is of 2024; the test clock says 2025-12-20.
NEXT = PLAN_YEAR + 1
ALREADY = f"{NEXT} already has targets: a copy would mix two years' plans. Edit the targets of {NEXT} instead."


def copy_section(html: str) -> str:
    match = re.search(r'<form[^>]*id="copy-targets".*?</form>', html, re.S)
    assert match, "no copy action on the page"
    return match.group(0)


def test_a_copy_takes_every_target_of_the_year_ratios_included(session, world, english_services):
    assert "improved_share" in PLAN_TARGETS  # a ratio (per mille), copied like the sums
    copied = reports.copy_targets(session, actor=world.actors["bureau"], from_year=PLAN_YEAR, to_year=NEXT)
    session.commit()
    assert copied == len(PLAN_TARGETS)
    assert reports.targets_of(session, NEXT) == PLAN_TARGETS
    assert reports.targets_of(session, PLAN_YEAR) == PLAN_TARGETS  # the source stays
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "target_copy")).one()
    assert (entry.entity, entry.entity_id, entry.user_id) == ("target", NEXT, world.actors["bureau"].user_id)
    assert json.loads(entry.detail) == {"from_year": PLAN_YEAR, "targets": dict(sorted(PLAN_TARGETS.items()))}


def test_a_copy_is_refused_when_the_source_has_none_or_the_destination_has_some(app, session, world, english_services):
    bureau = world.actors["bureau"]
    with nothing_written(app), pytest.raises(Invalid) as refused:
        db.transaction(session, lambda: reports.copy_targets(session, actor=bureau, from_year=2030, to_year=2031))
    assert str(refused.value.message) == "2030 has no targets to copy."
    reports.set_targets(session, actor=bureau, year=NEXT, values={"seed_processed": 5})
    session.commit()
    with nothing_written(app), pytest.raises(Invalid) as refused:
        db.transaction(session, lambda: reports.copy_targets(session, actor=bureau, from_year=PLAN_YEAR, to_year=NEXT))
    assert str(refused.value.message) == ALREADY
    assert reports.targets_of(session, NEXT) == {"seed_processed": 5}  # the year's own figure, nothing mixed in
    with pytest.raises(Invalid):
        reports.copy_targets(session, actor=bureau, from_year=NEXT, to_year=PLAN_YEAR)  # backwards


def test_a_manager_copies_on_the_targets_page_and_edits_after(app, auth, world):
    auth.login("bureau")
    html = page(auth.client.get(f"/reports/targets?year={PLAN_YEAR}"))
    section = copy_section(html)
    assert f"Copy {PLAN_YEAR}'s targets into {NEXT}" in section and "Only into a year without targets" in section
    response = auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/reports/targets?year={NEXT}")
    html = page(auth.client.get(response.headers["Location"]))
    assert f"7 targets of {PLAN_YEAR} copied into {NEXT}" in html
    assert 'id="target-seed_processed" name="seed_processed" value="13000"' in html
    assert 'id="target-improved_share" name="improved_share" value="75"' in html  # 750 per mille as 75 %
    response = auth.post(f"/reports/targets?year={NEXT}", {"seed_processed": "14000", "improved_share": "80"})
    assert response.status_code == 303
    with db_session(app) as session:
        assert reports.targets_of(session, NEXT) == dict(PLAN_TARGETS, seed_processed=14_000_000_000, improved_share=800)
        assert reports.targets_of(session, PLAN_YEAR) == PLAN_TARGETS


def test_a_refused_copy_says_why_next_to_the_action_in_both_languages(app, auth, world):
    auth.login("bureau")
    with nothing_written(app):
        response = auth.post("/reports/targets/copy", {"from_year": 2030, "into": 2031})
    assert_refused(response, "2030 has no targets to copy.")
    assert "2030 has no targets to copy." in copy_section(page(response))
    auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT})
    with nothing_written(app):
        response = auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT})
    assert_refused(response, ALREADY)
    assert "already has targets" in copy_section(page(response))
    auth.client.set_cookie("lang", "zh_CN")
    with nothing_written(app):
        response = auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT})
    assert response.status_code == 422
    assert f"{NEXT}年已有目标：复制会把两个年度的计划混在一起" in copy_section(page(response))


def test_only_the_bureau_copies_targets(auth, app, world):
    auth.login("coop")
    with nothing_written(app):
        assert auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT}).status_code == 403
    auth.login("bureau")
    with nothing_written(app):
        assert auth.post("/reports/targets/copy", {"from_year": "x", "into": NEXT}).status_code == 400


# --- the reminder on the dashboard ---------------------------------------------------------------


def test_the_dashboard_reminds_when_this_year_has_no_targets_and_links_to_the_copy(app, auth, world):
    auth.login("bureau")
    html = page(auth.client.get("/reports/dashboard"))
    assert f"No targets for {NEXT} yet" in html  # the clock says 2025
    link = f'/reports/targets?year={PLAN_YEAR}&amp;into={NEXT}#copy-targets'
    assert link in html and f"Copy the targets of {PLAN_YEAR} into {NEXT}" in html
    target_page = page(auth.client.get(link.replace("&amp;", "&")))
    assert f"Copy {PLAN_YEAR}'s targets into {NEXT}" in copy_section(target_page)
    assert auth.post("/reports/targets/copy", {"from_year": PLAN_YEAR, "into": NEXT}).status_code == 303
    assert "No targets for" not in page(auth.client.get("/reports/dashboard"))


def test_with_no_earlier_targets_the_reminder_asks_for_them_to_be_set(app, auth, world):
    with db_session(app) as session:
        for target in session.exec(select(Target)):
            session.delete(target)
        session.commit()
    auth.login("bureau")
    html = page(auth.client.get("/reports/dashboard"))
    assert f"No targets for {NEXT} yet" in html and f"Set the targets of {NEXT}" in html
    assert f'/reports/targets?year={NEXT}"' in html and "Copy the targets" not in html


def test_a_copy_from_further_back_skips_the_years_without_targets(app, auth, world):
    """The reminder names the latest earlier year with targets, and its link copies from there into this year."""
    with db_session(app) as session:
        for target in session.exec(select(Target)):
            target.year = 2022
            session.add(target)
        session.commit()
    auth.login("bureau")
    assert f"Copy the targets of 2022 into {NEXT}" in page(auth.client.get("/reports/dashboard"))
    assert auth.post("/reports/targets/copy", {"from_year": 2022, "into": NEXT}).status_code == 303
    with db_session(app) as session:
        assert reports.targets_of(session, NEXT) == PLAN_TARGETS and reports.targets_of(session, 2023) == {}


# --- two managers at once -------------------------------------------------------------------------


@pytest.fixture
def engine(database_url):
    engine = races.race_engine(database_url, races.THREADS)
    yield engine
    engine.dispose()


def test_racing_copies_leave_one_set_of_targets_and_refuse_the_others_as_if_alone(app, world, engine):
    """24 managers copy 2024 into 2025 at once: one copies, each other one is
    refused as a copy after it would be, and 2025 holds one row per metric."""
    bureau = world.actors["bureau"]

    def work(session, i):
        return reports.copy_targets(session, actor=bureau, from_year=PLAN_YEAR, to_year=NEXT)

    outcome = races.race(app, engine, work)
    assert outcome.errors == [], outcome.summary()
    assert outcome.won == [len(PLAN_TARGETS)], outcome.summary()
    assert {message for _, message in outcome.refused} == {ALREADY}, outcome.summary()
    assert races.alone(app, engine, work) == ALREADY
    with db_session(app) as session:
        rows = session.exec(select(Target.metric).where(Target.year == NEXT)).all()
        assert sorted(rows) == sorted(PLAN_TARGETS)
        assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "target_copy")).all()) == 1
