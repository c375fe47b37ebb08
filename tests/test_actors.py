"""System actors are named as such in every list (oilchain/actors.py): the
scheduler, the demo loader and the system at large each shown with its own
label in a badge, never as a person; people by their name."""


import pytest
from flask_babel import force_locale
from sqlmodel import select

from oilchain import actors, jobs
from oilchain.admin.models import JobRun
from oilchain.admin.services import audit
from oilchain.reports.models import ReportArchive

from .chain import db_session
from .http import page
from .pdftools import text_of

pytestmark = pytest.mark.usefixtures("english")

BADGE = '<span class="system-actor" data-system="{}">{}</span>'


def test_the_mapping_names_each_system_actor_and_leaves_people_alone(app):
    with app.test_request_context(), force_locale("en"):
        assert actors.who_text(actors.SCHEDULER) == "System · scheduler"
        assert actors.who_text(actors.DEMO) == "System · demo data"
        assert actors.who_text(None) == actors.who_text("") == "System"
        assert actors.who_text("system:nobody-knows") == "System"  # an unknown key is still the system
        assert actors.who_text("王建国") == "王建国"
        assert actors.who_text("scheduler") == "scheduler"  # a name is a name: only a stored column reads old values
        assert str(actors.who(actors.SCHEDULER)) == BADGE.format("scheduler", "System · scheduler")
        assert str(actors.who(None)) == BADGE.format("system", "System")
        assert str(actors.who("<b>Bob</b>")) == "&lt;b&gt;Bob&lt;/b&gt;"  # a person's name, escaped, no badge
    with app.test_request_context(), force_locale("zh_CN"):
        assert actors.who_text(actors.SCHEDULER) == "系统 · 定时任务"
        assert actors.who_text(actors.DEMO) == "系统 · 演示数据"
        assert actors.who_text(None) == "系统"
    # What the archive wrote before system actors had keys reads as them.
    assert actors.stored("scheduler") == actors.SCHEDULER
    assert actors.stored("oilchain demo") == actors.DEMO
    assert actors.stored("王建国") == "王建国" and actors.stored(actors.DEMO) == actors.DEMO
    for key in actors.SYSTEM_ACTORS:
        assert actors.system_key(actors.PREFIX + key) == key


def test_the_archive_shows_system_actors_as_such_old_and_new_values(app, auth, world):
    with db_session(app) as session:
        for month, who in ((1, "scheduler"), (2, "oilchain demo"), (3, actors.SCHEDULER), (4, actors.DEMO), (5, "王建国")):
            session.add(ReportArchive(year=2025, month=month, pdf=b"%PDF-1.4", created_by=who))
        session.commit()
    auth.login("bureau")
    html = page(auth.client.get("/reports/archive"))
    assert html.count(BADGE.format("scheduler", "System · scheduler")) == 2
    assert html.count(BADGE.format("demo", "System · demo data")) == 2
    assert "王建国" in html and "<td>王建国</td>" in html
    assert "oilchain demo" not in html and ">scheduler<" not in html
    auth.client.set_cookie("lang", "zh_CN")
    html = page(auth.client.get("/reports/archive"))
    assert "系统 · 定时任务" in html and "系统 · 演示数据" in html


def test_the_monthly_job_archives_as_the_scheduler_and_prints_its_label(app, auth, world, tmp_path):
    with db_session(app) as session:
        run = jobs.execute(session, jobs.JOBS["monthly_report"], "2025-11")
        assert run.status == "ok", run.message
        entry = session.exec(select(ReportArchive).where(ReportArchive.month == 11)).one()
        assert entry.created_by == actors.SCHEDULER
        text = text_of(entry.pdf, tmp_path)
    assert "系统 · 定时任务" in text and "system:" not in text


def test_the_audit_log_shows_the_system_for_an_entry_no_person_made(app, auth, world):
    with db_session(app) as session:
        audit(session, user_id=None, action="save", entity="price_bound", entity_id=None, kind="oil")
        audit(session, user_id=world.actors["bureau"].user_id, action="target", entity="target", entity_id=None)
        session.commit()
    auth.login("admin")
    html = page(auth.client.get("/admin/audit"))
    assert BADGE.format("system", "System") in html
    assert "<td>bureau</td>" in html  # a person by their username, as before
    rows = page(auth.client.get("/admin/audit?action=save", headers={"HX-Request": "true"}))
    assert BADGE.format("system", "System") in rows and "<td>bureau</td>" not in rows


def test_the_job_runs_name_the_scheduler_for_scheduled_runs_only(app, auth, world):
    with db_session(app) as session:
        session.add(JobRun(job_id="monthly_report", period="2025-10", status="ok", trigger="schedule"))
        session.add(JobRun(job_id="monthly_report", period="2025-09", status="ok", trigger="manual"))
        session.commit()
    auth.login("admin")
    html = page(auth.client.get("/admin/jobs"))
    assert html.count(BADGE.format("scheduler", "System · scheduler")) == 1
    assert "run by hand" in html



def test_a_lots_history_names_the_system_for_an_event_no_person_recorded(app, auth, world):
    from oilchain.ledger.models import Event

    from . import chain

    with db_session(app) as session:
        built = chain.full_chain(session, world)
        made = chain.event_that_made(session, built.oil)
        made.user_id = None  # as a step the system records (no person signed in)
        session.add(made)
        session.commit()
        others = session.exec(select(Event).where(Event.user_id.is_not(None))).all()
        assert others
    auth.login("processor")
    html = page(auth.client.get(f"/l/{built.oil.code}"))
    assert BADGE.format("system", "System") in html
    assert "· processor" in html  # the events a person recorded keep their name
