"""Compressed GS1 Digital Link URIs: our decoder and encoder
(oilchain/public/compressed.py) against URIs compressed by GS1's own
algorithm (tests/data/digital_link/, made with digital-link.js), and the
refusal of a segment that does not decompress."""

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sqlmodel import select

from oilchain.public import compressed
from oilchain.public.models import UnknownScan

from ..chain import db_session
from ..http import page

FIXTURES = json.loads((Path(__file__).resolve().parents[1] / "data" / "digital_link" / "compressed.json").read_text())["fixtures"]


def keys_of(path: str) -> dict[str, str]:
    parts = path.split("/")[1:]
    return {parts[i]: unquote(parts[i + 1]) for i in range(0, len(parts), 2)}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"{urlsplit(f['uncompressed']).path} opt={f['optimisations']}")
def test_gs1s_compressed_uris_decompress_and_ours_compress_the_same(fixture):
    segment = urlsplit(fixture["compressed"]).path.removeprefix("/")
    assert compressed.decompress(segment) == urlsplit(fixture["decompressed"]).path
    assert compressed.decompress(segment) == urlsplit(fixture["uncompressed"]).path
    assert compressed.compress_keys(keys_of(urlsplit(fixture["uncompressed"]).path), fixture["optimisations"]) == segment


def test_the_fixtures_cover_lots_serials_gtins_alone_and_non_numeric_serials():
    paths = [urlsplit(f["uncompressed"]).path for f in FIXTURES]
    assert any("/10/" not in p and "/21/" not in p for p in paths)
    assert any("/10/" in p and "/21/" in p for p in paths)
    assert any("/10/" not in p and "/21/" in p for p in paths)
    assert any(not keys_of(p).get("21", "0").isdigit() for p in paths)
    assert {f["optimisations"] for f in FIXTURES} == {True, False}


@pytest.mark.parametrize("segment", [
    "AAAAAAAAAAAA",  # key 00 (an SSCC): not one answered here
    "ThisIsNotACode",  # no key at all
    "AQyWYExk",  # too short: a GTIN alone takes ten characters (404 below)
    "CwyWYExkeNrDHx",  # a lot cut off in the middle
    "_____________",  # a hex code with no optimisation
])
def test_a_segment_that_does_not_decompress_is_refused(segment):
    with pytest.raises(compressed.NotCompressed):
        compressed.decompress(segment)


def test_the_resolver_refuses_a_compressed_uri_that_does_not_decompress_with_400(app, client, bottled):
    for segment in ("AAAAAAAAAAAA", "ThisIsNotACode", "CwyWYExkeNrDHx", "_____________"):
        response = client.get(f"/{segment}?lang=en")
        assert response.status_code == 400, segment
        assert "does not decompress to a GS1 Digital Link" in page(response)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    # Shorter single segments are no compressed code: not ours (a plain 404), and pages keep their paths.
    assert client.get("/AQyWYExk").status_code == 404
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin").status_code == 308
    with db_session(app) as session:
        assert session.exec(select(UnknownScan)).all() == []  # not codes: not logged as codes never issued


def test_a_compressed_uri_of_a_code_never_issued_is_404(app, client, bottled):
    segment = compressed.compress_keys({"01": bottled.gtin, "10": "YY-P25-999999"})
    assert client.get(f"/{segment}").status_code == 404
