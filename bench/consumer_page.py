"""Consumer page benchmark, and the web workers' memory afterwards, on one
database or on two sizes of it (one county-year and ten) in one run.

Starts `gunicorn -w 2 'oilchain:create_app()'` on a free port against each
database (OILCHAIN_DATABASE_URL, or the two of --databases, one server each)
and drives it with wrk (Debian package `wrk`):

- the trivial route `/healthz` (a constant "ok": the server's ceiling);
- the consumer page `/01/{gtin}/10/{lot}/21/{serial}` of 1,500 real bottles
  (written into the Lua script), each request counting a scan as a real one
  does.

The bottles are drawn the way scans spread (issue 17): nobody scans a bottle
long after its shelf life (540 days, the county data's SHELF_LIFE_DAYS), so
--recent-share (0.9) of them come from the product lots produced within the
last shelf life before the database's latest bottling day and the rest from
all older lots, each uniform over lots with a random serial in the lot's
range (seeded). On one county-year every lot is recent: all of them.

Each worker renders a lot's page on its first scan and keeps it (the LRU of
oilchain/public/scan.py), so a warm-up first fills those caches, as on a
server that has been up a while: it walks one bottle of each drawn lot in
turn (about 1,200 lots at one year, 1,450 at ten) until it has walked them
--warmup-passes (6) times, at most --warmup (120) seconds. Each request goes
to either worker, so after 6 walks a worker lacks a given lot about 2**-6 of
the time (a few dozen renders left for the first round, well under a second).
Rendering is what costs (10..25 ms a lot in-process, most of it the ORM's
reads), twice per lot, one per worker: measured on the shared 2-core machine
(load 4..6) the walk ran at 35..80 req/s while rendering and then at the
rounds' rate; 1,487 lots took 70..111 s and 1,901 lots (b10y) did not finish
6 walks in 120 s (4.4, its last step at half the rounds' rate). Hence 1,500
bottles: two servers' warm-ups and 5 rounds of 4 wrk runs of 10 s stay
within about 420 s even there (bench/run allows 600). The warm-up's rate per
10 s step is printed: its first steps are the cold figure, its last ones
should match the rounds'.

Rounds are then taken in turn, --rounds times (3; 5 with --databases): on
one database trivial, consumer; on two trivial(small), consumer(small),
trivial(large), consumer(large). Each round's ratio is consumer req/s over
trivial req/s at each size, and with two sizes the ratio of the two ratios
large/small; the figures are medians with their spread (min..max). Targets:
consumer/trivial >= 0.45 at every size, large/small >= 1/1.1. Then the
resident memory (VmRSS from /proc/<pid>/status) of each server's gunicorn
workers, and what a kept lot's page added; target < 150 MB.

    OILCHAIN_DATABASE_URL=postgresql://... python bench/consumer_page.py [--rounds 3] [--duration 10]
    python bench/consumer_page.py --databases SMALL_URL LARGE_URL [--rounds 5]
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
from datetime import timedelta

from sqlalchemy import text

from _common import ROOT, median, verdict

WORKERS = 2
WARMUP = 120  # at most, seconds per server (the docstring says why)
WARMUP_PASSES = 6  # walks over the drawn lots in the warm-up: a worker misses a lot about 2**-6 of the time
WARMUP_STEP = 10  # the warm-up's rate is printed per step
CONSUMER_SHARE = 0.45  # consumer page req/s over the trivial route's, at every size (issue 17)
WITHIN = 1.1  # the consumer ratio at the large size within this factor of the small size's
MEMORY_MB = 150


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bottle_paths(database_url: str, count: int, seed: int, recent_share: float) -> tuple[list[str], str]:
    """`count` real bottle paths drawn the way scans spread: `recent_share`
    of them from the product lots produced within the last shelf life before
    the database's latest bottling day, the rest from all older lots (each
    uniform over lots, a random serial in the lot's range); and a line
    saying what was drawn."""
    from oilchain import config, db
    from oilchain.demo.county.scans import SHELF_LIFE_DAYS
    from oilchain.public.services import bottle_url

    key = config.from_environment(ROOT)["SERIAL_KEY"]  # as the servers read it from the same environment
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("""
                SELECT p.gtin, lot.code, pl.serial_first, pl.serial_last, lot.produced_on FROM product_lot pl
                JOIN lot ON lot.id = pl.lot_id JOIN product p ON p.id = pl.product_id
                WHERE lot.status <> 'reversed' ORDER BY lot.id""")).all()
    finally:
        engine.dispose()
    if not rows:
        raise SystemExit(f"No product lots in {database_url}: load the county data first (oilchain demo --scale county).")
    latest = max(row.produced_on for row in rows)
    since = latest - timedelta(days=SHELF_LIFE_DAYS)
    recent = [row for row in rows if row.produced_on > since]
    older = [row for row in rows if row.produced_on <= since]
    from_recent = count if not older else round(count * recent_share)
    rng = random.Random(seed)
    drawn = [rng.choice(recent) for _ in range(from_recent)] + [rng.choice(older) for _ in range(count - from_recent)]
    rng.shuffle(drawn)
    paths = [bottle_url("", key, gtin, code, rng.randint(first, last)) for gtin, code, first, last, _day in drawn]
    lots = len({code for _gtin, code, *_rest in drawn})
    said = (f"{count:,} bottles of {lots:,} lots: {from_recent:,} from the {len(recent):,} lots produced after {since} "
            f"(the last shelf life, {SHELF_LIFE_DAYS} days, before {latest}), {count - from_recent:,} from the "
            f"{len(older):,} older lots")
    return paths, said


def lua_script(paths: list[str], folder: str, seed: int, name: str = "bottles") -> str:
    """wrk's script: each request picks one of `paths` at random."""
    return write_lua(paths, os.path.join(folder, f"{name}.lua"),
                     f"math.randomseed({seed})\n"
                     "request = function()\n  return wrk.format(\"GET\", paths[math.random(1, #paths)])\nend\n")


def walk_script(paths: list[str], folder: str, name: str) -> str:
    """wrk's script for the warm-up: `paths` in turn from the one after
    WALK_FROM (so runs one after another walk on where the last stopped)."""
    return write_lua(paths, os.path.join(folder, f"{name}-walk.lua"),
                     'local i = tonumber(os.getenv("WALK_FROM") or "0")\n'
                     "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")


def write_lua(paths: list[str], path: str, body: str) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("-- real bottle URLs from the benchmark database\n")
        handle.write("local paths = {\n")
        for p in paths:
            handle.write(f'  "{p}",\n')
        handle.write("}\n")
        handle.write(body)
    return path


class Server:
    """gunicorn in its own process group, always stopped at the end."""

    def __init__(self, port: int, workers: int, app: str = "oilchain:create_app()", threads: int = 1,
                 database_url: str | None = None):
        self.port = port
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        self.command = [gunicorn, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
                        "--timeout", "60", app]
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        env = os.environ.copy()
        if database_url:
            env["OILCHAIN_DATABASE_URL"] = database_url
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True, env=env)

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


def wrk(url: str, duration: int, connections: int, script: str | None = None, env: dict | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                          env=None if env is None else {**os.environ, **env})
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


class Size:
    """One database under test: its bottles, its Lua script, its server."""

    def __init__(self, name: str, url: str, args, folder: str):
        self.url = url
        self.name = f"{name} ({url.rsplit('/', 1)[-1]})"  # small (b1y)
        self.paths, self.drawn = bottle_paths(url, args.bottles, args.seed, args.recent_share)
        self.script = lua_script(self.paths, folder, args.seed, name)  # name: a word for the files
        # One bottle of each lot drawn, for the warm-up's walk.
        first_of_lot = {}
        for path in self.paths:
            first_of_lot.setdefault(path.split("/")[4], path)
        self.walk = list(first_of_lot.values())
        self.walk_script = walk_script(self.walk, folder, name)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = Server(self.port, WORKERS, args.app, database_url=url)
        self.trivial, self.consumer, self.ratios = [], [], []

    def start(self, args) -> None:
        self.server.wait_ready()
        print(f"{self.name}: {self.url}")
        print(f"  gunicorn: {' '.join(self.server.command)} (pid {self.server.process.pid}, workers {self.server.workers()})")
        print(f"  consumer URLs: {self.drawn}; in {self.script}, e.g. {self.paths[0]}")
        for path in self.paths[:20]:  # they are real: 200 and the lot's page
            with urllib.request.urlopen(self.base + path, timeout=10) as answer:
                body = answer.read().decode()
                assert answer.status == 200 and path.split("/")[4] in body, path
        wrk(f"{self.base}/healthz", 2, args.connections)  # warm-up of both routes in both workers
        self.rss_before = {pid: rss_kb(pid) for pid in self.server.workers()}
        # Each worker renders a lot's page on its first scan and keeps it; fill
        # those caches first (a running server has them) by walking the lots in
        # turn until each worker has almost surely had each of them, and say
        # what cold costs, in steps, so the last steps show the rounds' rate.
        walked, rates, started = 0, [], time.monotonic()
        while walked < args.warmup_passes * len(self.walk) and (elapsed := time.monotonic() - started) < args.warmup:
            step = wrk(self.base, max(1, min(WARMUP_STEP, round(args.warmup - elapsed))), args.connections,
                       self.walk_script, env={"WALK_FROM": str(walked % len(self.walk))})
            walked += step["requests"]
            rates.append(step["rate"])
        print(f"  warm-up (cold caches, not counted below): walked the {len(self.walk):,} lots "
              f"{walked / len(self.walk):.1f} times ({walked:,} scans) in {time.monotonic() - started:.0f} s; "
              f"req/s per {WARMUP_STEP} s: {' '.join(f'{rate:.0f}' for rate in rates)}")

    def round(self, args) -> str:
        t = wrk(f"{self.base}/healthz", args.duration, args.connections)
        c = wrk(self.base, args.duration, args.connections, self.script)
        if c["non2xx"] or t["non2xx"]:
            raise SystemExit(f"{self.name}: non-2xx answers: trivial {t['non2xx']}, consumer {c['non2xx']}; see {self.server.log.name}")
        self.trivial.append(t["rate"])
        self.consumer.append(c["rate"])
        self.ratios.append(c["rate"] / t["rate"])
        self.commands = (t["command"], c["command"])
        return (f"trivial {t['rate']:7.1f} req/s (p50 {t['p50']}, p99 {t['p99']})  consumer {c['rate']:7.1f} req/s "
                f"(p50 {c['p50']}, p99 {c['p99']}, {c['requests']:,} scans)  ratio {self.ratios[-1]:.3f}")

    def results(self) -> None:
        ratio = median(self.ratios)
        print(f"RESULT consumer/trivial at {self.name} = {ratio:.3f} (median of {len(self.ratios)} rounds, "
              f"spread {spread(self.ratios)}); consumer page {median(self.consumer):.1f} req/s, trivial route "
              f"{median(self.trivial):.1f} req/s (medians); {verdict(ratio, CONSUMER_SHARE)}")

    def memory(self) -> None:
        sizes = {pid: rss_kb(pid) for pid in self.server.workers()}
        for pid, kb in sizes.items():
            print(f"  {self.name} worker {pid}: VmRSS {kb / 1024:.1f} MB")
        print(f"  {self.name} master {self.server.process.pid}: VmRSS {rss_kb(self.server.process.pid) / 1024:.1f} MB")
        worst = max(sizes.values()) / 1024 if sizes else 0
        # What the warm-up and the rounds added, per lot page kept (a worker renders each lot at most once).
        grown = [(sizes[pid] - kb) / len(self.walk) for pid, kb in self.rss_before.items() if pid in sizes]
        before = max(self.rss_before.values()) / 1024 if self.rss_before else 0
        per_lot = f" ({before:.1f} MB before the warm-up; about {median(grown):.0f} kB more per lot kept)" if grown else ""
        print(f"RESULT {self.name} memory: largest gunicorn worker VmRSS {worst:.1f} MB after the wrk runs, "
              f"{len(self.walk):,} lots' pages kept{per_lot}; target < {MEMORY_MB} MB: {'MET' if worst < MEMORY_MB else 'MISSED'}")


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}..{max(values):.3f}"


def main():
    parser = argparse.ArgumentParser(description="Consumer page vs the trivial route, and worker memory")
    parser.add_argument("--databases", nargs=2, metavar=("SMALL_URL", "LARGE_URL"),
                        help="compare two databases in one run (default: OILCHAIN_DATABASE_URL alone)")
    parser.add_argument("--rounds", type=int, help="rounds taken in turn (default 3; 5 with --databases)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=WARMUP, help="at most this many seconds of warm-up per server")
    parser.add_argument("--warmup-passes", type=int, default=WARMUP_PASSES, help="walks over the drawn lots in the warm-up")
    parser.add_argument("--bottles", type=int, default=1500, help="real bottle URLs in the Lua script")
    parser.add_argument("--recent-share", type=float, default=0.9,
                        help="share of the bottles from lots of the last shelf life (the rest from older lots)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--app", default="oilchain:create_app()", help="the WSGI app gunicorn serves (to measure a change)")
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 5 if args.databases else 3
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk; bench/run does it).")
    if args.databases:
        named = list(zip(("small", "large"), args.databases))
    elif os.environ.get("OILCHAIN_DATABASE_URL"):
        named = [("database", os.environ["OILCHAIN_DATABASE_URL"])]  # as before --databases
    else:
        raise SystemExit("Set OILCHAIN_DATABASE_URL to the loaded benchmark database (bench/run does), or give --databases.")

    # A SIGTERM (bench/run's timeout) unwinds like an error, so `finally` stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit("terminated")))
    folder = tempfile.mkdtemp(prefix="oilchain-bench-")
    sizes = []
    try:
        for name, url in named:
            sizes.append(Size(name, url, args, folder))
        for size in sizes:
            size.start(args)
        for n in range(1, args.rounds + 1):
            lines = [f"{size.name}: {size.round(args)}" for size in sizes]
            if len(sizes) == 2:
                lines.append(f"large/small {sizes[1].ratios[-1] / sizes[0].ratios[-1]:.3f}")
            print(f"  round {n}: " + "\n           ".join(lines))
        print(f"  commands: {sizes[0].commands[0]}")
        print(f"            {sizes[0].commands[1]}")
        for size in sizes:
            size.results()
        if len(sizes) == 2:
            small, large = sizes
            relative = [big / little for big, little in zip(large.ratios, small.ratios)]
            print(f"RESULT consumer page large/small: (consumer/trivial at large) / (consumer/trivial at small) = "
                  f"{median(relative):.3f} (median of {len(relative)} rounds, spread {spread(relative)}); "
                  f"target >= 1/{WITHIN} (within {WITHIN}): {'MET' if median(relative) >= 1 / WITHIN else 'MISSED'}")
        for size in sizes:
            size.memory()
    finally:
        for size in sizes:
            size.server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
