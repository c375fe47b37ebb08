"""The scan record's networks and days (public/networks.py and the scan's
upsert in public/scan.py): what tells a copied label, scanned across the
county, from a bottle its owner checks again. Only a keyed digest of the
scan's /24 (IPv4) or /48 (IPv6) network is kept, never the address."""

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import String, inspect, text
from sqlmodel import select

from oilchain import clock, create_app, db, reference
from oilchain.brain.models import WarningRule
from oilchain.public import networks, services
from oilchain.public.models import SerialScan

from ..chain import db_session
from ..conftest import QUICK_HASHING
from .conftest import KEY, environ


def record(app, bottled, number: int) -> SerialScan:
    with db_session(app) as session:
        return session.exec(select(SerialScan).where(SerialScan.serial == number)).one()


def scan_from(client, bottled, number: int, address: str, flask: bool = False, **headers):
    """A consumer's scan from `address`; `flask`: past the fast path (an unrelated cookie)."""
    if flask:
        headers["Cookie"] = "other=1"
    response = client.get(bottled.bottle(number), environ_base={"REMOTE_ADDR": address}, headers=headers)
    assert response.status_code == 200


def key_of(address: str) -> str:
    return networks.network_key(networks.server_key(KEY), address)


def test_a_network_is_its_slash_24_or_slash_48_and_its_key_is_keyed():
    assert key_of("203.0.113.7") == key_of("203.0.113.250") == key_of("::ffff:203.0.113.9")
    assert key_of("203.0.113.7") != key_of("203.0.114.7")
    assert key_of("2001:db8:1:2::1") == key_of("2001:db8:1:ffff::9") != key_of("2001:db8:2::1")
    assert len(key_of("203.0.113.7")) == networks.KEY_LENGTH
    # Another server key, another key: nobody without it can hash the /24s and match.
    assert networks.network_key(networks.server_key("another"), "203.0.113.7") != key_of("203.0.113.7")
    plain = {hashlib.sha256(text.encode()).hexdigest()[: networks.KEY_LENGTH]
             for text in ("203.0.113.7", "203.0.113.0/24", "203.0.113.0", "203.0.113")}
    assert key_of("203.0.113.7") not in plain
    assert networks.CAP * (networks.KEY_LENGTH + 1) - 1 <= SerialScan.model_fields["network_keys"].metadata[0].max_length


def test_scans_from_one_slash_24_count_one_network_and_others_more(app, client, bottled):
    first = bottled.first
    scan_from(client, bottled, first, "203.0.113.7")  # Flask renders the lot's page
    scan_from(client, bottled, first, "203.0.113.200")  # the fast path: same /24
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks, scanned.network_keys) == (2, 1, key_of("203.0.113.7"))
    scan_from(client, bottled, first, "198.51.100.4")
    scan_from(client, bottled, first, "2001:db8:1:2::1")
    scan_from(client, bottled, first, "2001:db8:1:3::1")  # same /48
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks) == (5, 3)
    assert scanned.network_keys.split() == [key_of("203.0.113.7"), key_of("198.51.100.4"), key_of("2001:db8:1::1")]


def test_networks_are_capped_and_stay_at_the_cap(app, client, bottled):
    first = bottled.first
    for n in range(networks.CAP + 3):
        scan_from(client, bottled, first, f"10.0.{n}.1")
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks) == (networks.CAP + 3, networks.CAP)
    assert scanned.network_keys.split() == [key_of(f"10.0.{n}.1") for n in range(networks.CAP)]
    scan_from(client, bottled, first, "10.0.1.9")  # a network it knows
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks, len(scanned.network_keys.split())) == (networks.CAP + 4, networks.CAP, networks.CAP)


def test_a_rescan_the_same_county_day_adds_no_day_another_day_adds_one(app, client, bottled):
    first, second = bottled.first, bottled.first + 1
    evening = datetime(2026, 3, 1, 15, 30, tzinfo=timezone.utc)  # 23:30 in Youyang
    with clock.frozen(evening):
        scan_from(client, bottled, first, "203.0.113.7")
        scan_from(client, bottled, first, "203.0.113.7")
        scan_from(client, bottled, second, "203.0.113.7")
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.days, scanned.last_day) == (2, 1, evening.astimezone(clock.COUNTY_TZ).date())
    with clock.frozen(datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)):  # 00:30 the next county day, the same UTC day
        scan_from(client, bottled, first, "203.0.113.7")
        scan_from(client, bottled, first, "203.0.113.7", flask=True)
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.days, str(scanned.last_day)) == (4, 2, "2026-03-02")
    with clock.frozen(datetime(2026, 3, 20, 10, 0)):
        scan_from(client, bottled, first, "203.0.113.7")
    assert (record(app, bottled, first).days, record(app, bottled, second).days) == (3, 1)


def test_a_serial_scanned_before_networks_were_kept_starts_its_keys(app, client, bottled):
    first = bottled.first
    scan_from(client, bottled, first, "203.0.113.7")
    with db_session(app) as session:  # as migration 0005 left a row counted before it
        session.execute(text("UPDATE serial_scan SET network_keys = '', networks = 1, days = 1, last_day = NULL, count = 7"))
        session.commit()
    scan_from(client, bottled, first, "198.51.100.4")
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks, scanned.network_keys) == (8, 1, key_of("198.51.100.4"))


ADDRESSES = ("198.51.100.23", "2001:db8:abcd:12::7")


def test_the_address_is_stored_nowhere(app, client, bottled):
    for address in ADDRESSES:
        scan_from(client, bottled, bottled.first, address)
        scan_from(client, bottled, bottled.first + 1, address, flask=True)
    with db_session(app) as session:
        columns = [column["name"] for column in inspect(session.connection()).get_columns("serial_scan")
                   if isinstance(column["type"], String)]
        assert "network_keys" in columns
        stored = [value for row in session.execute(text(f"SELECT {', '.join(columns)} FROM serial_scan")) for value in row]
    assert len(stored) == 2 * len(columns)
    for value in stored:
        for fragment in ("198.51.100", "2001:db8", "abcd"):
            assert fragment not in value


def test_both_paths_key_the_same_network(app, client, fast, bottled):
    first, second = bottled.first, bottled.first + 1
    scan_from(client, bottled, first, "203.0.113.7", flask=True)
    assert fast.answer(environ(bottled.bottle(second), remote="203.0.113.99")) is not None
    assert fast.answer(environ(bottled.bottle(first), remote="203.0.113.8")) is not None
    assert record(app, bottled, first).network_keys == record(app, bottled, second).network_keys == key_of("203.0.113.7")
    scan_from(client, bottled, second, "192.0.2.1", flask=True)
    assert fast.answer(environ(bottled.bottle(first), remote="192.0.2.200")) is not None
    assert (record(app, bottled, first).networks, record(app, bottled, second).networks) == (2, 2)


@pytest.fixture
def proxied(database_url, app):
    """The app behind one trusted proxy (OILCHAIN_TRUSTED_PROXIES=1)."""
    behind = create_app({"TESTING": True, "DATABASE_URL": database_url, "SERIAL_KEY": KEY,
                         "PUBLIC_BASE_URL": "https://trace.example.cn", "PASSWORD_HASH_METHOD": QUICK_HASHING,
                         "TRUSTED_PROXIES": 1})
    yield behind
    behind.extensions["oilchain.engine"].dispose()
    behind.extensions["oilchain.scan_engine"].dispose()


def test_behind_a_trusted_proxy_the_forwarded_address_is_keyed(app, proxied, bottled):
    client, first = proxied.test_client(), bottled.first
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    scan_from(client, bottled, first, "127.0.0.1", **forwarded)  # Flask renders the page
    scan_from(client, bottled, first, "127.0.0.1", **forwarded)  # the fast path, behind ProxyFix
    scan_from(client, bottled, first, "127.0.0.1", flask=True, **forwarded)
    scanned = record(app, bottled, first)
    assert (scanned.count, scanned.networks, scanned.network_keys) == (3, 1, key_of("203.0.113.7"))
    scan_from(client, bottled, first, "127.0.0.1", **{"X-Forwarded-For": "198.51.100.4"})
    assert record(app, bottled, first).network_keys.split() == [key_of("203.0.113.7"), key_of("198.51.100.4")]
    # Without a trusted proxy the header is the client's say-so: the peer's address is keyed.
    scan_from(app.test_client(), bottled, first + 1, "192.0.2.1", **forwarded)
    assert record(app, bottled, first + 1).network_keys == key_of("192.0.2.1")


def test_the_copied_code_thresholds_come_from_the_warning_rule(session):
    assert services.copied_thresholds(session) == reference.WARNING_RULES["copied_code"][1]
    rule = session.exec(select(WarningRule).where(WarningRule.kind == "copied_code")).one()
    rule.thresholds = {"networks": 3, "days": 21}
    session.add(rule)
    session.flush()
    assert services.copied_thresholds(session) == {"networks": 3, "days": 21}
