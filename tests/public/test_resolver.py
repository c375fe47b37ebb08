"""The resolver's refusals and its reading of Digital Link paths (the
conformance checks against the running app: test_resolver_live.py)."""

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.public import digital_link, linkset
from oilchain.public.models import UnknownScan

from .. import chain
from ..chain import db_session
from ..http import page
from .conftest import KEY, scans


@pytest.mark.parametrize("given, gtin", [
    ("96385074", "00000096385074"),  # GTIN-8
    ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
    ("4006381333931", "04006381333931"),  # GTIN-13
    ("04006381333931", "04006381333931"),
])
def test_short_gtins_are_read_as_gtin_14(given, gtin):
    parsed = digital_link.parse(given + "/")
    assert parsed.gtin == gtin and parsed.canonical == (given == gtin)


@pytest.mark.parametrize("rest, reason", [
    ("0692000123450", "gtin"), ("1234567", "syntax"), ("123456789", "syntax"), ("069200012345090", "syntax"),
    ("96385074/10", "syntax"), ("96385074/17/251231", "syntax"), ("96385074/21/a/10/b", "syntax"),
    ("96385074/10/a/10/b", "syntax"), ("96385074//10/a", "syntax"), ("96385074/10/" + "x" * 21, "syntax"),
    ("96385074/10/a b", "syntax"), ("96385074/10/批次", "syntax"), ("96385074/235/x/21/y", "syntax"),
])
def test_malformed_paths_are_refused(rest, reason):
    with pytest.raises(digital_link.Malformed) as refused:
        digital_link.parse(rest)
    assert refused.value.reason == reason


@pytest.mark.parametrize("raw, kind", [
    ("gs1:pip", "https://gs1.org/voc/pip"), ("https://ref.gs1.org/voc/pip", "https://gs1.org/voc/pip"),
    ("http://www.gs1.org/voc/pip", "https://gs1.org/voc/pip"), ("linkset", "linkset"), ("all", "all"),
    ("acme:manual", "acme:manual"), ("https://example.org/rel/x", "https://example.org/rel/x"),
    ("ftp://example.org/x", "ftp://example.org/x"),
])
def test_link_types_are_read_as_uris(raw, kind):
    assert linkset.link_type(raw) == kind


@pytest.mark.parametrize("raw", ["pip", "", "gs1:", "gs1 pip", "<b>", "https://", "https:// x", ":pip"])
def test_a_link_type_that_is_neither_uri_nor_curie_is_refused(raw):
    with pytest.raises(linkset.BadLinkType):
        linkset.link_type(raw)


def test_a_variant_or_third_party_serial_is_a_code_never_issued(client, bottled):
    for path in (f"{bottled.product_path}/22/A1", f"{bottled.product_path}/22/A1/10/{bottled.lot}",
                 f"{bottled.product_path}/235/X1"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 404, path
        assert "product variant or a third-party serial" in page(response)


def test_a_serial_without_its_lot_that_no_lot_holds_is_404_not_a_redirect(app, client, bottled):
    serial = codes.serial_text(KEY, bottled.gtin, bottled.lot, bottled.first)
    forged = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    cases = {
        f"{bottled.product_path}/21/{codes.serial_text(KEY, bottled.gtin, bottled.lot, bottled.last + 1)}": "never issued to this product",
        f"{bottled.product_path}/21/garbage": "never issued to this product",
        f"{bottled.product_path}/21/{forged}": "check code does not match",
        f"/01/{chain.gtin('0692000999990')}/21/{serial}": "not known to the Youyang camellia oil system",
        f"/01/{chain.gtin('0692000999990')[1:]}": "not known to the Youyang camellia oil system",
    }
    for path, message in cases.items():
        response = client.get(path + "?lang=en")
        assert response.status_code == 404, path
        assert message in page(response), path
    assert scans(app) == []


def test_only_a_wrong_check_digit_among_malformed_paths_is_logged(app, client, bottled):
    wrong = chain.wrong_check_digit(bottled.gtin)
    for path in (f"/01/{wrong}", f"{bottled.product_path}/foo", "/01/abc", f"/01/{wrong}?linkType=linkset"):
        assert client.get(path).status_code == 400, path
    assert client.head(f"/01/{wrong}").status_code == 400
    with db_session(app) as session:
        assert [(s.path, s.reason) for s in session.exec(select(UnknownScan))] == [(f"/01/{wrong}", "gtin")]


def test_head_options_and_link_requests_of_a_bottle_count_no_scan_and_log_nothing(app, client, bottled):
    bottle = bottled.bottle(bottled.first + 2)
    assert client.head(bottle).status_code == 200
    assert client.options(bottle).status_code == 204
    assert client.get(bottle, headers={"Accept": "application/linkset+json"}).status_code == 200
    assert client.get(bottle + "?linkType=gs1:pip").status_code == 307
    assert client.get(bottle + "?linkType=gs1:recipeInfo").status_code == 404
    never = bottled.bottle(bottled.last + 1)
    assert client.head(never).status_code == 404
    assert client.get(never + "?linkType=linkset").status_code == 404
    assert scans(app) == []
    with db_session(app) as session:
        assert session.exec(select(UnknownScan)).all() == []
    client.set_cookie("lang", "en")
    assert "first time" in page(client.get(bottle))
