"""Consumer page benchmark, and the web workers' memory afterwards.

Starts `gunicorn -w 2 'oilchain:create_app()'` on a free port against
OILCHAIN_DATABASE_URL and drives it with wrk (Debian package `wrk`):

- the trivial route `/healthz` (a constant "ok": the server's ceiling);
- the consumer page `/01/{gtin}/10/{lot}/21/{serial}` of thousands of real
  bottles (serials drawn from every product lot's range, written into the Lua
  script), each request counting a scan as a real one does.

A warm-up run of consumer scans first fills the workers' page caches (see
oilchain/public/scan.py), as on a server that has been up a while; its rate
is printed as the cold figure. Rounds are then taken in turn (trivial, consumer) --rounds times; each round's
ratio is consumer req/s over trivial req/s, and the figure is their median.
Target: >= 0.40. Then the resident memory (VmRSS from /proc/<pid>/status)
of each gunicorn worker; target < 150 MB.

    OILCHAIN_DATABASE_URL=postgresql://... python bench/consumer_page.py [--rounds 3] [--duration 10]
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from sqlalchemy import text

from _common import ROOT, median, verdict
from _common import app as make_app

WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bottle_paths(count: int, seed: int) -> list[str]:
    """`count` real bottle paths, spread over every product lot."""
    from oilchain import db
    from oilchain.public.services import bottle_url

    app = make_app()
    with app.app_context():
        key = app.config["SERIAL_KEY"]
        rows = db.session().connection().execute(text("""
            SELECT p.gtin, lot.code, pl.serial_first, pl.serial_last FROM product_lot pl
            JOIN lot ON lot.id = pl.lot_id JOIN product p ON p.id = pl.product_id
            WHERE lot.status <> 'reversed' ORDER BY lot.id""")).all()
    if not rows:
        raise SystemExit("No product lots: load the county data first (oilchain demo --scale county).")
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        gtin, code, first, last = rows[i % len(rows)] if i < len(rows) else rng.choice(rows)
        paths.append(bottle_url("", key, gtin, code, rng.randint(first, last)))
    rng.shuffle(paths)
    return paths


def lua_script(paths: list[str], folder: str, seed: int) -> str:
    path = os.path.join(folder, "bottles.lua")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("-- real bottle URLs from the benchmark database; each request picks one at random\n")
        handle.write("local paths = {\n")
        for p in paths:
            handle.write(f'  "{p}",\n')
        handle.write("}\n")
        handle.write(f"math.randomseed({seed})\n")
        handle.write("request = function()\n  return wrk.format(\"GET\", paths[math.random(1, #paths)])\nend\n")
    return path


class Server:
    """gunicorn in its own process group, always stopped at the end."""

    def __init__(self, port: int, workers: int, app: str = "oilchain:create_app()", threads: int = 1):
        self.port = port
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        self.command = [gunicorn, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
                        "--timeout", "60", app]
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True, env=os.environ.copy())

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200 and len(self.workers()) >= WORKERS:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s; see {self.log.name}")

    def workers(self) -> list[int]:
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.process.pid:
                        children.append(int(entry))
                except (OSError, IndexError, ValueError):
                    continue
        return sorted(children)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wrk(url: str, duration: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return {"rate": rate, "requests": total, "non2xx": int(bad.group(1)) if bad else 0,
            "errors": errors.group(1) if errors else "", "p50": p50.group(1) if p50 else "?", "p99": p99.group(1) if p99 else "?",
            "command": " ".join(command)}


def main():
    parser = argparse.ArgumentParser(description="Consumer page vs the trivial route, and worker memory")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=45, help="seconds of consumer scans before the rounds")
    parser.add_argument("--bottles", type=int, default=5000, help="distinct real bottle URLs in the Lua script")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--app", default="oilchain:create_app()", help="the WSGI app gunicorn serves (to measure a change)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk; bench/run does it).")

    # A SIGTERM (bench/run's timeout) unwinds like an error, so `finally` stops the server.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit("terminated")))
    paths = bottle_paths(args.bottles, args.seed)
    folder = tempfile.mkdtemp(prefix="oilchain-bench-")
    script = lua_script(paths, folder, args.seed)
    port = free_port()
    server = Server(port, WORKERS, args.app)
    base = f"http://127.0.0.1:{port}"
    try:
        server.wait_ready()
        print(f"gunicorn: {' '.join(server.command)} (pid {server.process.pid}, workers {server.workers()})")
        print(f"consumer URLs: {len(paths):,} real bottles in {script}, e.g. {paths[0]}")
        for path in paths[:20]:  # they are real: 200 and the lot's page
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                body = answer.read().decode()
                assert answer.status == 200 and path.split("/")[4] in body, path
        wrk(f"{base}/healthz", 2, args.connections)  # warm-up of both routes in both workers
        # Each worker renders a lot's page on its first scan and keeps it; fill
        # those caches first (a running server has them) and say what cold costs.
        cold = wrk(base, args.warmup, args.connections, script)
        print(f"  warm-up: consumer {cold['rate']:8.1f} req/s over {args.warmup} s while the workers render "
              f"each lot's page once (cold caches; not counted below)")
        trivial, consumer, ratios = [], [], []
        for n in range(1, args.rounds + 1):
            t = wrk(f"{base}/healthz", args.duration, args.connections)
            c = wrk(base, args.duration, args.connections, script)
            if c["non2xx"] or t["non2xx"]:
                raise SystemExit(f"non-2xx answers: trivial {t['non2xx']}, consumer {c['non2xx']}; see {server.log.name}")
            trivial.append(t["rate"])
            consumer.append(c["rate"])
            ratios.append(c["rate"] / t["rate"])
            print(f"  round {n}: trivial {t['rate']:8.1f} req/s (p50 {t['p50']}, p99 {t['p99']})   "
                  f"consumer {c['rate']:8.1f} req/s (p50 {c['p50']}, p99 {c['p99']}, {c['requests']:,} scans)   "
                  f"ratio {ratios[-1]:.3f}")
        print(f"  commands: {t['command']}")
        print(f"            {c['command']}")
        ratio = median(ratios)
        print(f"RESULT consumer page {median(consumer):.1f} req/s, trivial route {median(trivial):.1f} req/s (medians); "
              f"consumer/trivial = {ratio:.3f} (median of {args.rounds} rounds); {verdict(ratio, 0.40)}")
        workers = server.workers()
        sizes = {pid: rss_kb(pid) for pid in workers}
        master = rss_kb(server.process.pid)
        for pid, kb in sizes.items():
            print(f"  worker {pid}: VmRSS {kb / 1024:.1f} MB")
        print(f"  master {server.process.pid}: VmRSS {master / 1024:.1f} MB")
        worst = max(sizes.values()) / 1024 if sizes else 0
        print(f"RESULT memory: largest gunicorn worker VmRSS {worst:.1f} MB after the wrk runs; "
              f"target < 150 MB: {'MET' if worst < 150 else 'MISSED'}")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
