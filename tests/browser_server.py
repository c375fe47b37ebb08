"""Fixtures for the browser tests (tests/test_browser.py): the app served by a
real server process on 127.0.0.1 against the test database, and Debian's
Chromium driven by Playwright.

The server is a separate process (werkzeug's threaded server, as `flask run`
uses) so that a test can stop it to take the network away from a service
worker (Playwright's offline mode does not cut a worker's own fetches,
microsoft/playwright#2311) and start it again on the same port. Each run
writes its request log (werkzeug's, one line per request) to a file of its
own, so a test can tell what the server saw while it was up.

The server runs on the real clock; only the test process is pinned to
2025-12-20. The fixtures fill the database first, then the test starts the
server.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need the playwright package")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parent.parent
PUBLIC_BASE_URL = "https://trace.example.cn"  # what lot QR codes and labels say, as in conftest's app
STARTUP_SECONDS = 30
ANSI = re.compile(r"\x1b\[[0-9;]*m")
REQUEST_LINE = re.compile(r'HTTP/[0-9.]+" ([0-9]{3}) ')

# The server process: the app as conftest's `app` fixture configures it, on
# the database named by OILCHAIN_DATABASE_URL, logging every request.
SERVER_CODE = """
import logging, os, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
from oilchain import create_app
app = create_app({
    "DATABASE_URL": os.environ["OILCHAIN_DATABASE_URL"],
    "SERIAL_KEY": "test-serial-key",
    "PUBLIC_BASE_URL": os.environ["OILCHAIN_PUBLIC_BASE_URL"],
})
app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True, use_reloader=False, debug=False)
"""


def free_port() -> int:
    """A port nobody listens on now (the OS's choice, so xdist workers differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class LiveServer:
    """The app in a process of its own; start() and stop() may alternate, on
    the same port and database. Run n logs to runs[n]."""

    def __init__(self, database_url: str, log_dir: Path):
        self.database_url = database_url
        self.log_dir = log_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.runs: list[Path] = []

    def start(self) -> None:
        assert self.process is None, "the server is already running"
        log = self.log_dir / f"server-{self.port}-run{len(self.runs) + 1}.log"
        self.runs.append(log)
        env = {**os.environ, "OILCHAIN_DATABASE_URL": self.database_url, "OILCHAIN_ENV": "development",
               "OILCHAIN_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "PYTHONUNBUFFERED": "1"}
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", SERVER_CODE, str(self.port)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                if len(self.runs) == 1 and "Address already in use" in log.read_text():
                    # Another xdist worker's server took the port between
                    # free_port() and this bind: take another (a first run only;
                    # a restart must keep its port).
                    self.port, self.runs = free_port(), []
                    self.url = f"http://127.0.0.1:{self.port}"
                    return self.start()
                raise RuntimeError(f"the server exited:\n{log.read_text()}")
            # Only once this process says it listens: until then whatever
            # answers on the port is somebody else's server.
            if "Running on" not in log.read_text(errors="replace"):
                time.sleep(0.05)
                continue
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 10
        while port_answers(self.port):  # nothing may answer once it is stopped
            assert time.monotonic() < deadline, f"port {self.port} still answers after the server stopped"
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self, run: int) -> str:
        """The request log of run `run` (1 for the first start), without the
        colours werkzeug gives to lines of answers other than 200."""
        return ANSI.sub("", self.runs[run - 1].read_text(errors="replace"))

    def requests(self, run: int, method: str, path: str) -> list[str]:
        """Request lines of that run for one method and path, e.g. POST /harvest/field/sync."""
        needle = f'"{method} {path} HTTP/'
        return [line for line in self.log(run).splitlines() if needle in line]

    def statuses(self, run: int, method: str, path: str) -> list[int]:
        """The status codes the server answered those requests with, in order."""
        return [int(REQUEST_LINE.search(line).group(1)) for line in self.requests(run, method, path)]


@pytest.fixture
def live_server(database_url, tmp_path):
    """Not started: fill the database with fixtures first, then call start()."""
    server = LiveServer(database_url, tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"the browser tests need Debian's chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        yield p


def launch(playwright, extra_args=()):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args])


@pytest.fixture(scope="session")
def browser(playwright):
    """One Chromium per test session (per xdist worker); a context per test."""
    chromium = launch(playwright)
    yield chromium
    chromium.close()
