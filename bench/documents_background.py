"""Long documents in the background: a whole lot's bottle label sheet asked
for over HTTP answers at once, and a real worker process makes it.

Takes the largest product lot of the database (the small demo's
YY-P25-000001 has 13,807 bottles, the finding's lot; the county data's
largest about 6,500; --lot names another), signs in as its
processor, POSTs /documents/new for the whole lot's A4 sheet and times that
request (target: well under a second, where the sheet in the request took
about 130 s, past gunicorn's timeout). Then it starts `oilchain worker`
against the same database, polls the job's status partial every second as
the page does, prints the progress it shows, and times the worker's making
(started -> finished, from the job's row) and the download.

    OILCHAIN_DATABASE_URL=... python bench/documents_background.py [--lot CODE] [--workers 1]
    OILCHAIN_DATABASE_URL=sqlite:///instance/oilchain.db python bench/documents_background.py   # after scripts/start
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from sqlalchemy import text

from _common import app as make_app


def largest_lot(session, code: str | None):
    query = """SELECT lot.code, pl.serial_last - pl.serial_first + 1 AS n, lot.owner_org_id FROM product_lot pl
               JOIN lot ON lot.id = pl.lot_id WHERE lot.status <> 'reversed' {} ORDER BY n DESC LIMIT 1"""
    where = "AND lot.code = :code" if code else ""
    return session.connection().execute(text(query.format(where)), {"code": code}).one()


def sign_in_as_owner(app, client, org_id: int):
    """A processor of the lot's owner, with a password set for the run."""
    from sqlmodel import select
    from werkzeug.security import generate_password_hash

    from oilchain import db
    from oilchain.auth.models import User

    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.organization_id == org_id, User.role == "processor")).first()
        user.password_hash = generate_password_hash("bench-password-1234", method="pbkdf2:sha256:1000")
        session.add(user)
        session.commit()
        username = user.username
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": username, "password": "bench-password-1234", "csrf_token": token})
    assert answer.status_code == 303, answer.status_code
    return token, username


def main():
    parser = argparse.ArgumentParser(description="A whole lot's label sheet through the document job")
    parser.add_argument("--lot", default=None)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="oilchain-bench-documents-")
    os.environ["OILCHAIN_DOCUMENTS_DIR"] = directory
    os.environ.pop("OILCHAIN_DOCUMENTS_INLINE", None)
    app = make_app()
    from oilchain import db

    with app.app_context():
        code, count, org_id = largest_lot(db.session(), args.lot)
    client = app.test_client()
    token, username = sign_in_as_owner(app, client, org_id)
    page = client.get(f"/l/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    print(f"lot {code}: {count:,} bottles, owner's processor {username}; documents kept in {directory}")
    t0 = time.perf_counter()
    answer = client.post("/documents/new", data={"csrf_token": token, "kind": "labels_pdf", "code": code})
    request_ms = (time.perf_counter() - t0) * 1000
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    job_url = answer.headers["Location"]
    job_id = int(re.search(r"/documents/(\d+)$", job_url).group(1))
    print(f"web request (POST /documents/new, whole-lot sheet): {answer.status_code} in {request_ms:.0f} ms -> {job_url}")
    worker = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "oilchain"), "worker", "--workers",
                               str(args.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        t1, shown = time.perf_counter(), ""
        while True:
            status = client.get(f"/documents/{job_id}/status").get_data(as_text=True)
            progress = re.search(r'<progress max="(\d+)" value="(\d+)"', status)
            if progress and progress.group(0) != shown:
                shown = progress.group(0)
                print(f"  {time.perf_counter() - t1:6.1f} s  {int(progress.group(2)):,} of {int(progress.group(1)):,} labels")
            if "/download" in status or "could not be made" in status:
                break
            time.sleep(1)
        waited = time.perf_counter() - t1
    finally:
        worker.terminate()
        worker.wait(30)
    from oilchain.downloads.models import DocumentJob

    with app.app_context():
        job = db.session().get(DocumentJob, job_id)
        making = (job.finished_at - job.started_at).total_seconds()
        print(f"job {job.status}: {job.error or job.download_name}, {(job.size or 0) / 1e6:.1f} MB")
    t2 = time.perf_counter()
    download = client.get(f"/documents/{job_id}/download")
    download_ms = (time.perf_counter() - t2) * 1000
    print(f"download: {download.status_code}, {len(download.data) / 1e6:.1f} MB in {download_ms:.0f} ms")
    print(f"RESULT documents_background: web request {request_ms:.0f} ms; worker made {count:,} labels in {making:.1f} s "
          f"({count / making:.0f} labels/s; {waited:.1f} s from request to the download link, worker start included)")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
