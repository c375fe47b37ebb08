"""Genuine codes scanned like a copied label (public/copies.py): scanned
through the real scan path from many networks or on many days, listed on
/scans/copied for their processor and the bureau, never another processor;
the thresholds are the brain's copied_code rule, which counts the same
serials per lot."""

import re
from datetime import datetime, timedelta

from sqlmodel import select

from oilchain import clock, codes
from oilchain.brain.models import WarningRule
from oilchain.brain.warnings.market import copied_code
from oilchain.public import copies, services

from ..chain import TODAY, db_session
from ..http import page
from .conftest import KEY


def scan_from(client, bottled, number: int, address: str, day: datetime | None = None):
    with clock.frozen(day or TODAY):
        response = client.get(bottled.bottle(number), environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200


def listed(client) -> list[str]:
    response = client.get("/scans/copied")
    assert response.status_code == 200
    return re.findall(r'<code class="serial">(.*?)</code>', page(response))


def set_thresholds(app, **values) -> None:
    with db_session(app) as session:
        rule = session.exec(select(WarningRule).where(WarningRule.kind == "copied_code")).one()
        rule.thresholds = {**rule.thresholds, **values}
        session.add(rule)
        session.commit()


def scanned(app, client, bottled):
    """Serial `first` from 5 networks on one day, `first + 1` from one
    network on 10 days, `first + 2` from 4 networks on 3 days (an owner's
    scans, below the default 5 networks or 10 days)."""
    first = bottled.first
    for n in range(5):
        scan_from(client, bottled, first, f"198.51.{n}.7")
    for d in range(9, -1, -1):
        scan_from(client, bottled, first + 1, "203.0.113.7", TODAY - timedelta(days=d))
    for n in range(4):
        scan_from(client, bottled, first + 2, f"192.0.{n}.9", TODAY - timedelta(days=max(0, 2 - n)))
    return [codes.serial_text(KEY, bottled.gtin, bottled.lot, number) for number in (first, first + 1, first + 2)]


def test_copied_codes_are_listed_for_their_processor_and_the_bureau_only(app, client, auth, bottled):
    by_networks, by_days, rescanned = scanned(app, client, bottled)
    client.set_cookie("lang", "en")
    auth.login("bureau")
    html = page(client.get("/scans/copied"))
    assert sorted(listed(client)) == sorted([by_networks, by_days])
    assert f'href="/l/{bottled.lot}"' in html  # the lot, linked
    assert "at least 5 different networks or on at least 10 different days" in html
    (row,) = [row for row in html.split("<tr>") if by_days in row]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["10", "1", "10"]  # scans, networks, days
    assert "Copied codes" in html  # in the menu
    auth.logout()

    auth.login("processor")
    assert sorted(listed(client)) == sorted([by_networks, by_days])
    auth.logout()
    auth.login("processor2")
    html = page(client.get("/scans/copied"))
    assert listed(client) == [] and "None so far." in html
    auth.logout()
    auth.login("coop")
    assert client.get("/scans/copied").status_code == 403
    assert rescanned


def test_the_warning_rule_s_thresholds_change_the_list_and_the_warning_counts_the_same(app, client, auth, bottled):
    by_networks, by_days, rescanned = scanned(app, client, bottled)
    auth.login("bureau")
    set_thresholds(app, networks=4)
    assert sorted(listed(client)) == sorted([by_networks, by_days, rescanned])
    set_thresholds(app, networks=6, days=3)
    assert sorted(listed(client)) == sorted([by_days, rescanned])
    set_thresholds(app, networks=6, days=11)
    assert listed(client) == []
    set_thresholds(app, networks=5, days=10)
    with db_session(app) as session:
        thresholds = services.copied_thresholds(session)
        found = copies.copied_serials(session, thresholds)
        (finding,) = copied_code(session, TODAY.date(), thresholds)
    assert (found.total, [row.serial for row in found.rows]) == (2, [bottled.first, bottled.first + 1])  # latest first
    assert finding.subject_id == bottled.built.product_lot.id
    assert (finding.values["serials"], finding.values["networks"], finding.values["days"], finding.values["serial"]) == (
        2, 5, 10, bottled.first)


def test_the_list_is_paged(app, client, auth, bottled):
    by_networks, by_days, _rescanned = scanned(app, client, bottled)
    with db_session(app) as session:
        thresholds = services.copied_thresholds(session)
        pages = [copies.copied_serials(session, thresholds, page=n, page_size=1) for n in (1, 2, 3, 0)]
    assert [(p.page, p.pages, p.total, [row.serial for row in p.rows]) for p in pages] == [
        (1, 2, 2, [bottled.first]), (2, 2, 2, [bottled.first + 1]), (2, 2, 2, [bottled.first + 1]),
        (1, 2, 2, [bottled.first])]
    auth.login("bureau")
    assert client.get("/scans/copied?page=999").status_code == 200
