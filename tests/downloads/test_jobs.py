"""Long documents through the job: asked for on a page, made (here inline,
huey's immediate mode; test_worker.py runs a real worker), progress shown,
downloaded when done, by the requester's organization and the bureau only."""

import csv
import io
import re
from datetime import timedelta

from oilchain import clock
from oilchain.downloads import running, services
from oilchain.downloads.models import DocumentJob
from oilchain.processing import labels

from ..chain import db_session
from ..pdftools import info_of, text_of
from .conftest import all_jobs

JOB_URL = re.compile(r"/documents/(\d+)$")


def ask(auth, **fields):
    return auth.post("/documents/new", fields)


def test_a_label_sheet_is_made_and_downloaded_with_who_asked_and_when(app, client, auth, bottled, en, tmp_path):
    code, first, _last = bottled
    auth.login("processor")
    response = ask(auth, kind="labels_pdf", code=code, first=first, last=first + 49)
    assert response.status_code == 303, response.get_data(as_text=True)
    job_id = int(JOB_URL.search(response.headers["Location"]).group(1))
    page = client.get(f"/documents/{job_id}").get_data(as_text=True)
    assert "Asked for by" in page and "加工员" in page or "processor" in page
    assert "2025" in page  # when it was asked for (the county's time)
    assert f"/documents/{job_id}/download" in page and "hx-trigger" not in page  # done: no more polling
    [job] = all_jobs(app)
    assert (job.status, job.done, job.total, job.kind) == ("done", 50, 50, "labels_pdf")
    download = client.get(f"/documents/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert f"{code}-labels-{first}-{first + 49}.pdf" in download.headers["Content-Disposition"]
    pdf = download.data
    assert int(info_of(pdf, tmp_path)["Pages"]) == 3  # 21 to a page
    assert code in text_of(pdf, tmp_path)
    assert client.get("/documents/").get_data(as_text=True).count(f"/documents/{job_id}") == 1


def test_progress_is_shown_while_it_runs_and_nothing_is_served_before_done(app, client, auth, bottled, en, world):
    code, first, _last = bottled
    with db_session(app) as session:  # asked for, not yet made (no worker in this test)
        job = services.request_job(session, actor=world.actors["processor"], kind="labels_pdf",
                                   params={"code": code, "first": first, "last": first + 99}, locale="en")
        session.commit()
        job_id = job.id
    auth.login("processor")
    status = client.get(f"/documents/{job_id}/status").get_data(as_text=True)
    assert "Waiting for a worker" in status and 'hx-trigger="every 1s"' in status
    assert client.get(f"/documents/{job_id}/download").status_code == 409
    with app.app_context():
        assert running.claim(job_id) and not running.claim(job_id)  # claimed once
        running._write({"done": 42}, job_id)
    status = client.get(f"/documents/{job_id}/status").get_data(as_text=True)
    assert "Being made: 42 of 100" in status and 'value="42"' in status and 'hx-trigger="every 1s"' in status
    assert client.get(f"/documents/{job_id}/download").status_code == 409


def test_another_organization_never_sees_the_job(app, client, auth, bottled):
    code, first, _last = bottled
    auth.login("processor")
    job_id = int(JOB_URL.search(ask(auth, kind="serials_csv", code=code, first=first, last=first + 9).headers["Location"]).group(1))
    auth.logout()
    auth.login("processor2")
    for path in ("", "/status", "/download"):
        assert client.get(f"/documents/{job_id}{path}").status_code == 404, path
    assert f"/documents/{job_id}" not in client.get("/documents/").get_data(as_text=True)
    auth.logout()
    auth.login("bureau")  # the bureau reads everything
    assert client.get(f"/documents/{job_id}/download").status_code == 200


def test_a_serial_csv_and_a_year_report(app, client, auth, bottled, tmp_path):
    code, first, last = bottled
    auth.login("processor")
    job_id = int(JOB_URL.search(ask(auth, kind="serials_csv", code=code).headers["Location"]).group(1))
    rows = list(csv.reader(io.StringIO(client.get(f"/documents/{job_id}/download").get_data(as_text=True).lstrip("\ufeff"))))
    assert tuple(rows[0]) == labels.CSV_HEADER and len(rows) - 1 == last - first + 1
    assert [int(row[0]) for row in rows[1:]] == list(range(first, last + 1))
    auth.logout()
    auth.login("bureau")
    response = ask(auth, kind="year_report", year="2025")
    job_id = int(JOB_URL.search(response.headers["Location"]).group(1))
    pdf = client.get(f"/documents/{job_id}/download").data
    assert pdf.startswith(b"%PDF") and "2025" in text_of(pdf, tmp_path)


def test_bad_parameters_are_refused_next_to_their_field(app, client, auth, bottled, en):
    code, first, last = bottled
    auth.login("processor")
    cases = [
        ({"kind": "labels_pdf", "code": "YY-P25-999999"}, "code"),
        ({"kind": "labels_pdf", "code": code, "first": last, "last": first}, "Choose serials between"),
        ({"kind": "labels_pdf", "code": code, "first": "2147483648"}, "first"),
        ({"kind": "serials_csv", "code": code, "last": "abc"}, "last"),
        ({"kind": "year_report", "year": "2025"}, "Only the bureau"),
        ({"kind": "pizza"}, "kind"),
        ({"kind": "labels_pdf", "code": "a\x00b"}, "control"),
    ]
    for fields, expected in cases:
        response = ask(auth, **fields)
        assert response.status_code == 422, (fields, response.status_code)
        assert expected in response.get_data(as_text=True) or f'id="{expected}-error"' in response.get_data(as_text=True), fields
    assert all_jobs(app) == []
    auth.logout()
    auth.login("processor2")  # not its lot
    assert ask(auth, kind="labels_pdf", code=code).status_code == 422 and all_jobs(app) == []


def test_long_requests_on_the_old_addresses_go_to_the_job(app, client, auth, bottled, en):
    code, first, _last = bottled
    auth.login("processor")
    page = client.get(f"/processing/lots/{code}/labels.pdf?first={first}&last={first + labels.SYNC_LABELS}")
    assert page.status_code == 200 and "in the background" in page.get_data(as_text=True)
    assert client.get(f"/processing/lots/{code}/labels.pdf?first={first}&last={first + 20}").mimetype == "application/pdf"
    assert client.get(f"/processing/lots/{code}/labels.csv").mimetype == "text/csv"  # 1,000 rows: at once
    lot_page = client.get(f"/l/{code}").get_data(as_text=True)
    assert "Whole lot's labels (PDF, in the background)" in lot_page
    auth.logout()
    auth.login("bureau")
    page = client.get("/reports/output.pdf?year=2025")
    assert page.status_code == 200 and 'value="year_report"' in page.get_data(as_text=True)


def test_a_failure_shows_its_error_and_old_results_are_removed(app, client, auth, bottled, en, world):
    code, first, _last = bottled
    with db_session(app) as session:
        job = services.request_job(session, actor=world.actors["processor"], kind="labels_pdf",
                                   params={"code": code, "first": first, "last": first + 1}, locale="en")
        job.parameters = job.parameters.replace(f'"last": {first + 1}', '"last": 99999999')  # the lot changed since
        session.commit()
        failed_id = job.id
    with app.app_context():
        assert running.run_job(failed_id) == "failed"
    auth.login("processor")
    status = client.get(f"/documents/{failed_id}/status").get_data(as_text=True)
    assert "could not be made" in status and "Choose serials between" in status and "hx-trigger" not in status
    assert client.get(f"/documents/{failed_id}/download").status_code == 409

    done_id = int(JOB_URL.search(ask(auth, kind="serials_csv", code=code, first=first, last=first).headers["Location"]).group(1))
    assert client.get(f"/documents/{done_id}/download").status_code == 200
    with db_session(app) as session:
        old = session.get(DocumentJob, done_id)
        path = services.result_path(app.config["DOCUMENTS_DIR"], old)
        old.finished_at = clock.utcnow() - timedelta(days=app.config["DOCUMENTS_KEEP_DAYS"] + 1)
        session.commit()
        assert services.clean_up(session, app.config["DOCUMENTS_DIR"], app.config["DOCUMENTS_KEEP_DAYS"]) == 1
        session.commit()
    assert not __import__("os").path.exists(path)
    assert client.get(f"/documents/{done_id}/download").status_code == 409
    assert "no longer kept" in client.get(f"/documents/{done_id}").get_data(as_text=True)


def test_the_job_reads_in_the_readers_language(app, client, auth, bottled, en, world):
    code, first, _last = bottled
    with db_session(app) as session:  # asked for in Chinese
        job = services.request_job(session, actor=world.actors["processor"], kind="labels_pdf",
                                   params={"code": code, "first": first, "last": first + 5}, locale="zh_CN")
        session.commit()
        job_id, stored = job.id, job.title
    assert "瓶标" in stored
    auth.login("bureau")
    page = client.get(f"/documents/{job_id}").get_data(as_text=True)
    assert f"Bottle labels of lot {code}, serials {first}–{first + 5} (A4 PDF)" in page and "瓶标" not in page


def test_a_job_a_stopped_worker_left_running_goes_back_to_the_queue(app, bottled, world):
    code, first, _last = bottled
    with db_session(app) as session:
        old, fresh = (services.request_job(session, actor=world.actors["processor"], kind="labels_pdf",
                                           params={"code": code, "first": first, "last": first + 9}, locale="en")
                      for _ in range(2))
        session.commit()
        old_id, fresh_id = old.id, fresh.id
    with app.app_context():
        assert running.claim(old_id) and running.claim(fresh_id)
        running._write({"done": 5, "started_at": clock.utcnow() - services.ABANDONED_AFTER - timedelta(minutes=1)}, old_id)
    with db_session(app) as session:
        assert services.requeue_abandoned(session) == 1
        session.commit()
        assert services.queued_ids(session) == [old_id]  # the one still being made (recently claimed) stays running
    jobs = {job.id: job for job in all_jobs(app)}
    assert (jobs[old_id].status, jobs[old_id].done, jobs[old_id].started_at) == ("queued", 0, None)
    assert jobs[fresh_id].status == "running"
