"""Part of a lot through the pages: the ship form's "part to ship", the lot
page's "split this lot", and what the two halves' pages say of each other
(and to whom)."""

import re

import pytest

from .. import chain
from ..chain import KG
from ..http import FUTURE, a_lot, build, page, redirected_to, refuse

pytestmark = pytest.mark.usefixtures("english_services")


def seed_lot(app, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        return chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)[0]

    return build(app, setup)


def ship_form(world, seed, **changes) -> dict:
    return {"code": seed.code, "to_org_id": world.orgs["processor2"].id, "occurred_on": "2025-11-20", **changes}


def test_part_of_a_lot_is_shipped_from_the_ship_form(app, auth, world):
    seed = seed_lot(app, world)
    auth.login("coop")
    url = "/harvest/ship"
    refuse(app, auth, url, ship_form(world, seed, quantity="2000.001"),
           f"Lot {seed.code} has only 2000 kg left; 2000.001 kg were asked for.", field="quantity")
    refuse(app, auth, url, ship_form(world, seed, quantity="0"), "Must be more than 0", field="quantity")
    refuse(app, auth, url, ship_form(world, seed, quantity="-3"), "Must be more than 0", field="quantity")
    refuse(app, auth, url, ship_form(world, seed, quantity="1.0001"), "Use at most 3 decimal places.", field="quantity")
    refuse(app, auth, url, ship_form(world, seed, quantity="300", occurred_on=FUTURE), "The date cannot be in the future.")

    part_code = redirected_to(auth.post(url, ship_form(world, seed, quantity="300"))).rsplit("/l/", 1)[1]
    assert part_code != seed.code
    part, original = a_lot(app, part_code), a_lot(app, seed.code)
    assert (part.quantity, part.status, original.remaining, original.status) == (300 * KG, "in_transit", 1_700 * KG, "active")

    # The original's page lists the part and where it went; the part's page names the original.
    original_page = page(auth.client.get(f"/l/{seed.code}"))
    assert re.search(rf"Split off</dt><dd><a href=\"/l/{part_code}\"><code>{part_code}</code></a>\s*"
                     r"\(300 kg, shipped to 酉州加工厂\)", original_page), original_page
    part_page = page(auth.client.get(f"/l/{part_code}"))
    assert f'Split from</dt><dd><a href="/l/{seed.code}"><code>{seed.code}</code></a>' in part_page

    # The receiver receives the part as any lot; its page names the original by kind and owner only.
    auth.login("processor2")
    assert redirected_to(auth.post("/processing/receive", {"code": part_code, "weighed": "300",
                                                           "occurred_on": "2025-11-21"})).endswith(part_code)
    part_page = page(auth.client.get(f"/l/{part_code}"))
    assert "Split from</dt><dd>a lot of Seed of 麻旺合作社</dd>" in part_page and seed.code not in part_page
    assert "麻旺镇" in part_page  # the origin story reaches the plot's township through the split
    assert auth.client.get(f"/l/{seed.code}").status_code == 200  # its origin, as for what one holds made from it
    # An empty part ships the whole lot.
    auth.login("coop")
    assert redirected_to(auth.post(url, ship_form(world, seed))).endswith(f"/l/{seed.code}")
    assert a_lot(app, seed.code).status == "in_transit"


def test_the_owner_splits_a_lot_from_its_page(app, auth, world, client):
    seed = seed_lot(app, world)
    auth.login("coop")
    lot_page = page(client.get(f"/l/{seed.code}"))
    assert "Split this lot…" in lot_page and f'action="/l/{seed.code}/split"' in lot_page
    url = f"/l/{seed.code}/split"
    refuse(app, auth, url, {"quantity": "2000", "occurred_on": "2025-11-20"},
           f"A part of 2000 kg is not smaller than what lot {seed.code} holds (2000 kg): ship or sell the whole lot instead.",
           field="quantity")
    refuse(app, auth, url, {"quantity": "0", "occurred_on": "2025-11-20"}, "Must be more than 0", field="quantity")
    response = auth.post(url, {"quantity": "500", "occurred_on": "2025-11-20"}, headers={"HX-Request": "true"})
    part_code = response.headers["HX-Redirect"].rsplit("/l/", 1)[1]
    assert (a_lot(app, part_code).remaining, a_lot(app, seed.code).remaining) == (500 * KG, 1_500 * KG)
    assert re.search(rf"<code>{part_code}</code></a>\s*\(500 kg\)", page(client.get(f"/l/{seed.code}")))
    # Another organization may not split it (nor see the page).
    auth.login("coop2")
    with chain.nothing_written(app):
        assert auth.post(url, {"quantity": "5", "occurred_on": "2025-11-20"}).status_code == 403


def test_parts_held_by_others_are_counted_not_named(app, auth, world, client):
    """The processor that received the original does not learn the code of a part shipped elsewhere."""
    seed = seed_lot(app, world)
    auth.login("coop")
    part_code = redirected_to(auth.post("/harvest/ship", ship_form(world, seed, quantity="300"))).rsplit("/l/", 1)[1]
    auth.post("/harvest/ship", {"code": seed.code, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-11-20"})
    auth.login("processor")
    assert redirected_to(auth.post("/processing/receive", {"code": seed.code, "weighed": "1700", "occurred_on": "2025-11-21"}))
    original_page = page(client.get(f"/l/{seed.code}"))
    assert "Parts held by others: 1" in original_page and part_code not in original_page
