"""An organization's GLN and public contact, set by an admin on its page:
a good submission answers 303 and is audited; each bad field answers 422
with its message next to it, in English and in Chinese, and writes nothing."""

import json

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.admin.models import AuditEntry
from oilchain.auth.models import Organization

from ..chain import db_session
from ..http import page, redirected_to, refuse, rows

pytestmark = pytest.mark.usefixtures("english")

GLN = "6901234000009"  # GS1 China prefix 690, check digit 9


def url(world, key="processor") -> str:
    return f"/admin/organizations/{world.orgs[key].id}/contact"


def form(**changes) -> dict:
    return {"gln": GLN, "phone": "023-7555 1234", "address": "酉阳县钟多街道桃花源大道 18 号", **changes}


def test_a_good_contact_is_saved_and_audited(app, auth, world):
    assert codes.is_valid_gln(GLN)
    auth.login("admin")
    assert redirected_to(auth.post(url(world), form())).endswith(f"/admin/organizations/{world.orgs['processor'].id}")
    org = rows(app, Organization, Organization.id == world.orgs["processor"].id)[0]
    assert (org.gln, org.phone, org.address) == (GLN, "023-7555 1234", "酉阳县钟多街道桃花源大道 18 号")
    with db_session(app) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "contact").order_by(AuditEntry.id.desc())).first()
    assert (entry.entity, entry.entity_id) == ("organization", org.id)
    assert json.loads(entry.detail) == {"gln": GLN, "phone": "023-7555 1234", "address": "酉阳县钟多街道桃花源大道 18 号"}
    # The page shows what is stored; empty fields clear it.
    assert GLN in page(auth.client.get(f"/admin/organizations/{org.id}"))
    assert redirected_to(auth.post(url(world), {"gln": "", "phone": "", "address": ""}))
    org = rows(app, Organization, Organization.id == org.id)[0]
    assert (org.gln, org.phone, org.address) == (None, None, None)


@pytest.mark.parametrize("gln, message", [
    ("6901234000008", "This GLN's check digit is wrong"),
    ("690123400000", "A GLN has 13 digits."),
    ("69012340000091", "A GLN has 13 digits."),
    ("69012340000O9", "A GLN has 13 digits."),
    ("６９０１２３４０００００９", "A GLN has 13 digits."),  # full-width digits
])
def test_a_wrong_gln_is_refused(app, auth, world, gln, message):
    auth.login("admin")
    refuse(app, auth, url(world), form(gln=gln), message, field="gln")


def test_a_gln_of_another_organization_is_refused(app, auth, world):
    auth.login("admin")
    assert redirected_to(auth.post(url(world, "processor2"), form(phone="", address="")))
    response = refuse(app, auth, url(world), form(), "This GLN belongs to", field="gln")
    assert world.orgs["processor2"].name in page(response)
    # The same organization may keep its own GLN.
    assert redirected_to(auth.post(url(world, "processor2"), form(address="")))


@pytest.mark.parametrize("name, value, message", [
    ("phone", "<b>023</b>", "Plain text only"),
    ("phone", "023 > 7555", "Plain text only"),
    ("phone", "023\t7555", "Plain text only"),
    ("phone", "1" * 41, "A phone number has at most 40 characters."),
    ("address", "<script>alert(1)</script>", "Plain text only"),
    ("address", "桃花源大道\r\n18 号", "Plain text only"),
    ("address", "路" * 201, "An address has at most 200 characters."),
])
def test_contact_fields_with_markup_or_too_long_are_refused(app, auth, world, name, value, message):
    auth.login("admin")
    refuse(app, auth, url(world), form(**{name: value}), message, field=name)


def test_a_control_character_is_refused_next_to_its_field(app, auth, world):
    auth.login("admin")
    refuse(app, auth, url(world), form(address="桃花源\x1b大道"), "Remove the control characters", field="address")


def test_the_bureau_hotline_is_refused_with_markup_too(app, auth, world):
    auth.login("admin")
    refuse(app, auth, url(world, "bureau"), form(gln="", phone="<a href=x>12345</a>"), "Plain text only", field="phone")


def test_refusals_in_chinese(app, auth, world, client):
    client.set_cookie("lang", "zh_CN")
    auth.login("admin")
    refuse(app, auth, url(world), form(gln="6901234000008"), "GLN 的校验位不对", field="gln")
    refuse(app, auth, url(world), form(phone="<b>1</b>"), "只能填纯文本", field="phone")


def test_the_bureau_page_labels_its_phone_as_the_public_hotline(auth, world):
    auth.login("admin")
    bureau = page(auth.client.get(f"/admin/organizations/{world.orgs['bureau'].id}"))
    assert "County hotline (public)" in bureau
    assert bureau.count('/contact"') == 1  # one contact form, beside the position's
    assert "every consumer page shows it" in bureau
    processor = page(auth.client.get(f"/admin/organizations/{world.orgs['processor'].id}"))
    assert "County hotline" not in processor


def test_only_admins_set_contacts(app, auth, world):
    auth.login("bureau")
    response = auth.post(url(world), form())
    assert response.status_code == 403
    assert rows(app, Organization, Organization.id == world.orgs["processor"].id)[0].gln is None
