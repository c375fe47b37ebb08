"""The demo data's contacts: every organization of the small demo has a
phone and an address, the processors valid GLNs, the bureau its hotline;
the county generator's GLNs have GS1's check digit and are unique, and its
contacts are plain text that the admin's form would take."""

from oilchain import codes
from oilchain.auth.contact import ADDRESS_MAX, PHONE_MAX
from oilchain.demo.county.organizations import GLN_KINDS, HOTLINE, contact
from oilchain.demo.small_plan import CONTACTS, ORGANIZATIONS


def plain(value: str, limit: int) -> bool:
    return bool(value) and len(value) <= limit and not set(value) & set("<>\t\r\n")


def test_the_small_demo_gives_every_organization_a_contact():
    kinds = {name: kind for name, kind, *_ in ORGANIZATIONS}
    assert set(CONTACTS) == set(kinds)
    glns = [gln for gln, _phone, _address in CONTACTS.values() if gln]
    assert all(codes.is_valid_gln(gln) for gln in glns) and len(set(glns)) == len(glns)
    assert {name for name, (gln, *_rest) in CONTACTS.items() if gln} == {n for n, k in kinds.items() if k == "processor"}
    for gln, phone, address in CONTACTS.values():
        assert plain(phone, PHONE_MAX) and plain(address, ADDRESS_MAX)


def test_the_county_generator_gives_valid_unique_glns_and_plain_contacts():
    made = {(org_id, kind): contact(org_id, kind, "龙潭镇") for org_id in range(1, 3_000)
            for kind in ("nursery", "cooperative", "processor")}
    glns = {org_id: c["gln"] for (org_id, kind), c in made.items() if kind == "processor"}
    assert all(codes.is_valid_gln(gln) for gln in glns.values())
    assert len(set(glns.values())) == len(glns)  # one per organization id
    assert all(made[(org_id, "nursery")]["gln"] == gln for org_id, gln in glns.items())
    assert all(plain(c["phone"], PHONE_MAX) and plain(c["address"], ADDRESS_MAX) for c in made.values())
    assert contact(7, "cooperative", "龙潭镇")["gln"] is None and "processor" in GLN_KINDS
    assert contact(1, "bureau", "钟多街道")["phone"] == HOTLINE
