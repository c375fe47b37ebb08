"""A real worker process (`oilchain worker`, huey's consumer) against the
test database (SQLite or PostgreSQL): a job asked for over HTTP is made by
it, the page shows it done, and the download is served."""

import os
import re
import subprocess
import sys
import time

from oilchain import create_app

from ..conftest import QUICK_HASHING, AuthActions
from .conftest import all_jobs


def test_a_worker_process_makes_the_job(app, database_url, bottled, tmp_path):
    code, first, _last = bottled
    documents = str(tmp_path / "worker-documents")
    queued = create_app({"TESTING": True, "DATABASE_URL": database_url, "SERIAL_KEY": "test-serial-key",
                         "PUBLIC_BASE_URL": "https://trace.example.cn", "PASSWORD_HASH_METHOD": QUICK_HASHING,
                         "DOCUMENTS_INLINE": False, "DOCUMENTS_DIR": documents})
    client = queued.test_client()
    auth = AuthActions(client)
    auth.login("processor")
    response = auth.post("/documents/new", {"kind": "labels_pdf", "code": code, "first": first, "last": first + 62})
    assert response.status_code == 303
    job_id = int(re.search(r"/documents/(\d+)$", response.headers["Location"]).group(1))
    assert [job.status for job in all_jobs(app)] == ["queued"]  # nothing runs in the web request
    assert client.get(f"/documents/{job_id}/download").status_code == 409

    env = dict(os.environ, OILCHAIN_DATABASE_URL=database_url, OILCHAIN_DOCUMENTS_DIR=documents,
               OILCHAIN_SERIAL_KEY="test-serial-key", OILCHAIN_PUBLIC_BASE_URL="https://trace.example.cn")
    env.pop("OILCHAIN_DOCUMENTS_INLINE", None)
    worker = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "oilchain"), "worker", "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and all_jobs(app)[0].status in ("queued", "running"):
            time.sleep(0.2)
        job = all_jobs(app)[0]
        assert job.status == "done", (job.status, job.error)
        assert (job.done, job.total) == (63, 63)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert "oilchain worker" in output, output
    page = client.get(f"/documents/{job_id}").get_data(as_text=True)
    assert f"/documents/{job_id}/download" in page
    download = client.get(f"/documents/{job_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    queued.extensions["oilchain.engine"].dispose()
    queued.extensions["oilchain.scan_engine"].dispose()


def test_the_procfile_and_the_start_script_run_a_worker():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    lines = [line.strip() for line in (root / "Procfile").read_text().splitlines()]
    assert "worker: oilchain worker" in lines
    [web] = [line for line in lines if line.startswith("web:")]
    assert "--timeout 60" in web  # set, not gunicorn's default
    start = (root / "scripts" / "start").read_text()
    assert "oilchain worker &" in start and "oilchain scheduler &" in start and "trap stop EXIT" in start
