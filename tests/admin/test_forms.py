"""The administrator's forms through the HTTP client: organizations, users,
townships renamed and retired. A good submission answers 303; a bad one
answers 422 with the message next to its field and writes nothing."""

import pytest

from oilchain.admin.models import Township
from oilchain.auth.models import Organization, User

from .. import chain
from ..chain import db_session
from ..http import redirected_to, refuse, rows

pytestmark = pytest.mark.usefixtures("english")


def test_admin_organization(app, auth, world):
    auth.login("admin")
    url = "/admin/organizations/new"
    form = {"name": "板溪合作社", "kind": "cooperative", "credit_code": "93500222MA5YX4QK2N", "township_id": ""}
    refuse(app, auth, url, {**form, "credit_code": "93500222MA5YX4QK2"}, "A unified social credit code has 18 letters and digits.")
    refuse(app, auth, url, {**form, "name": "麻旺合作社"}, "An organization with this name exists already.")
    refuse(app, auth, url, {**form, "kind": "bank"}, "Not a valid choice")

    assert redirected_to(auth.post(url, form)).endswith("/admin/")
    org = rows(app, Organization, Organization.name == "板溪合作社")[0]
    assert (org.kind, org.credit_code) == ("cooperative", "93500222MA5YX4QK2N")


def test_admin_user(app, auth, world):
    auth.login("admin")
    url = "/admin/users/new"
    form = {"username": "coop-clerk", "display_name": "记账员", "role": "cooperative",
            "organization_id": world.orgs["coop"].id, "password": "a-long-password"}
    refuse(app, auth, url, {**form, "password": "short"}, "The password needs at least 10 characters.")
    refuse(app, auth, url, {**form, "role": "processor"}, "This role does not fit this kind of organization.")
    refuse(app, auth, url, {**form, "username": "coop"}, "This username is taken.")
    refuse(app, auth, url, {**form, "username": "has space"}, "A username is 1 to 40 letters, digits, dots, dashes or underscores.")

    assert redirected_to(auth.post(url, form)).endswith("/admin/")
    user = rows(app, User, User.username == "coop-clerk")[0]
    assert (user.role, user.organization_id) == ("cooperative", world.orgs["coop"].id)
    auth.login("coop-clerk", "a-long-password")


def test_admin_township_rename_and_retire(app, auth, world):
    with db_session(app) as session:
        mawang = chain.township_id(session, "麻旺镇")
        longtan = chain.township_id(session, "龙潭镇")
        retired = chain.township_id(session, "板溪镇")
    auth.login("admin")
    refuse(app, auth, f"/admin/townships/{mawang}/rename", {"name": "龙潭镇"}, "Another township has this name.")
    refuse(app, auth, f"/admin/townships/{mawang}/rename", {"name": "x" * 41}, "Field cannot be longer than 40 characters.")

    assert redirected_to(auth.post(f"/admin/townships/{mawang}/rename", {"name": "麻旺镇（新）"})).endswith("/admin/")
    assert rows(app, Township, Township.id == mawang)[0].name == "麻旺镇（新）"

    assert redirected_to(auth.post(f"/admin/townships/{retired}/retire", {"merged_into_id": longtan})).endswith("/admin/")
    township = rows(app, Township, Township.id == retired)[0]
    assert (township.active, township.merged_into_id) == (False, longtan)
    # A retired township is no longer a place to merge into.
    refuse(app, auth, f"/admin/townships/{mawang}/retire", {"merged_into_id": retired}, "Not a valid choice")
    # Nor can it be retired again: the refusal must be said, not swallowed.
    refuse(app, auth, f"/admin/townships/{retired}/retire", {"merged_into_id": ""}, "Unknown or already retired township.")


def test_admin_organization_position(app, auth, world, client):
    """An organization's position: optional, exact to the microdegree, inside
    the county; a bad one is refused next to its field with nothing written,
    in English and in Chinese."""
    auth.login("admin")
    url = "/admin/organizations/new"
    form = {"name": "板溪育苗基地", "kind": "nursery", "credit_code": "", "township_id": "",
            "latitude": "28.842101", "longitude": "108.767302"}
    refuse(app, auth, url, {**form, "latitude": "91"}, "Must be at most 90", field="latitude")
    refuse(app, auth, url, {**form, "latitude": "28.8421015"}, "Use at most 6 decimal places.", field="latitude")
    refuse(app, auth, url, {**form, "latitude": "二十八"}, "Not a valid decimal value.", field="latitude")
    refuse(app, auth, url, {**form, "latitude": "29.56", "longitude": "106.55"}, "This latitude lies outside Youyang county",
           field="latitude")  # Chongqing city
    refuse(app, auth, url, {**form, "longitude": "106.55"}, "This longitude lies outside Youyang county", field="longitude")
    refuse(app, auth, url, {**form, "latitude": "28.45", "longitude": "108.99"},  # Xiushan, inside the bounds
           "This position lies outside Youyang county's outline", field="latitude")
    refuse(app, auth, url, {**form, "longitude": ""}, "Give both the latitude and the longitude, or neither.", field="longitude")
    client.set_cookie("lang", "zh_CN")
    refuse(app, auth, url, {**form, "latitude": "28.45", "longitude": "108.99"}, "酉阳县界", field="latitude")
    client.set_cookie("lang", "en")

    assert redirected_to(auth.post(url, form)).endswith("/admin/")
    org = rows(app, Organization, Organization.name == "板溪育苗基地")[0]
    assert (org.latitude_e6, org.longitude_e6) == (28_842_101, 108_767_302)
    assert redirected_to(auth.post(url, {**form, "name": "无位置合作社", "kind": "cooperative", "latitude": "", "longitude": ""}))
    assert rows(app, Organization, Organization.name == "无位置合作社")[0].latitude_e6 is None

    page = auth.client.get(f"/admin/organizations/{org.id}").get_data(as_text=True)
    assert "28.842101, 108.767302" in page and "板溪育苗基地" in page
    position = f"/admin/organizations/{org.id}/position"
    refuse(app, auth, position, {"latitude": "28.45", "longitude": "108.99"}, "outside Youyang county's outline",
           field="latitude")
    refuse(app, auth, position, {"latitude": "28.7", "longitude": ""}, "Give both the latitude and the longitude",
           field="longitude")
    assert redirected_to(auth.post(position, {"latitude": "28.7012", "longitude": "108.9624"})).endswith(f"/admin/organizations/{org.id}")
    assert (rows(app, Organization, Organization.id == org.id)[0].latitude_e6,) == (28_701_200,)
    assert redirected_to(auth.post(position, {"latitude": "", "longitude": ""}))
    cleared = rows(app, Organization, Organization.id == org.id)[0]
    assert (cleared.latitude_e6, cleared.longitude_e6) == (None, None)
    assert auth.client.get("/admin/organizations/2147483000").status_code == 404
