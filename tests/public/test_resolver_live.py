"""The GS1-Conformant resolver standard 1.0 checked against the running app
(a real server process, tests/browser_server.py), as GS1's own test suite
(gs1/GS1DL-resolver-testsuite) checks a resolver: GET, HEAD and OPTIONS,
headers, statuses, redirects and the linkset against GS1's linkset schema
(tests/data/gs1/). Each test names the conformance statement it checks."""

import copy
import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from oilchain import codes
from oilchain.public import compressed

from .conftest import KEY, scans

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "gs1" / "linkset-schema.json").read_text())
BASE = "https://trace.example.cn"  # the live server's PUBLIC_BASE_URL (browser_server.py)
GS1 = "https://gs1.org/voc/"
URL_PATTERN = "^https?:\\/\\/[A-Za-z0-9./]+$"
RELAXED = "^https?://[A-Za-z0-9./:-]+$"  # ports and hyphens, which the public copies of GS1's schema refuse


def relaxed_schema() -> dict:
    """GS1's schema with only its anchor and href patterns relaxed (a lot
    code such as YY-P25-000001 has hyphens; GS1's own resolver's URIs have
    none)."""
    schema = copy.deepcopy(SCHEMA)
    item = schema["properties"]["linkset"]["items"]
    assert item["properties"]["anchor"]["pattern"] == URL_PATTERN
    item["properties"]["anchor"]["pattern"] = RELAXED
    (links,) = item["patternProperties"].values()
    assert links["items"]["properties"]["href"]["pattern"] == URL_PATTERN
    links["items"]["properties"]["href"]["pattern"] = RELAXED
    return schema


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def json(self):
        return json.loads(self.body)

    @property
    def links(self) -> dict[str, list[str]]:
        """The Link header as {rel: [the rest of each link]}, e.g. {"linkset": ['<...>; type=...']}."""
        found: dict[str, list[str]] = {}
        for link in self.header("Link").split(", <"):
            rel = link.split('rel="', 1)[1].split('"', 1)[0]
            found.setdefault(rel, []).append(link.lstrip("<"))
        return found


def fetch(server, method: str, path: str, headers: dict | None = None) -> Answer:
    """One request as the test suite makes it: no redirect followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        return Answer(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture
def resolver(app, bottled, live_server):
    live_server.start()
    return live_server


def test_get_head_and_options_with_cors_and_the_link_header(app, bottled, resolver):
    """SHALL support GET, HEAD and OPTIONS; SHALL support CORS; SHOULD give a
    Link header to the linkset (rel="linkset") and, with the linkset, to a
    JSON-LD context (served as application/ld+json)."""
    bottle = bottled.bottle(bottled.first + 3)
    for path in (bottle, bottled.lot_path, bottled.product_path):
        for method in ("GET", "HEAD"):
            answer = fetch(resolver, method, path)
            assert answer.status == 200, (method, path)
            assert answer.header("Access-Control-Allow-Origin") == "*"
            assert {"GET", "HEAD", "OPTIONS"} <= set(answer.header("Access-Control-Allow-Methods").replace(" ", "").split(","))
            assert "Accept" in answer.header("Vary")
            links = answer.links
            assert links["linkset"] == [f'{BASE}{path}?linkType=linkset>; rel="linkset"; type="application/linkset+json"']
            (context,) = links["http://www.w3.org/ns/json-ld#context"]
            assert 'type="application/ld+json"' in context
            assert (method == "HEAD") == (answer.body == b"")
        preflight = fetch(resolver, "OPTIONS", path, {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
        assert preflight.status == 204 and preflight.body == b""
        assert preflight.header("Access-Control-Allow-Origin") == "*"
        assert {"GET", "HEAD", "OPTIONS"} <= set(preflight.header("Allow").replace(" ", "").split(","))
    context_url = urlsplit(fetch(resolver, "GET", bottled.product_path).links["http://www.w3.org/ns/json-ld#context"][0].split(">")[0])
    assert context_url.netloc == "trace.example.cn"
    context = fetch(resolver, "GET", context_url.path)
    assert context.status == 200 and context.header("Content-Type").startswith("application/ld+json")
    assert context.json()["@context"]["linkset"] == "@graph"
    # Only the consumer's GET of the bottle page counted: HEAD and OPTIONS did not.
    assert scans(app) == [(bottled.first + 3, 1)]


def test_syntax_errors_are_400_with_the_consumers_page_and_never_200(app, bottled, resolver):
    """SHALL extract and syntactically validate the URI and report errors with
    400; SHALL NOT use 200 for an error (the suite appends /foo)."""
    bottle = bottled.bottle(bottled.first)
    wrong_digit = bottled.gtin[:-1] + str((int(bottled.gtin[-1]) + 1) % 10)
    for path in (bottle + "/foo", bottled.product_path + "/foo", f"/01/{wrong_digit}", "/01/12345", "/01/abc",
                 f"{bottled.product_path}/21/x/10/{bottled.lot}", f"{bottled.product_path}/10/{'L' * 21}", "/01/"):
        for method in ("GET", "HEAD"):
            answer = fetch(resolver, method, path + "?lang=en")
            assert answer.status == 400, (method, path)
            assert answer.header("Access-Control-Allow-Origin") == "*"
            if method == "GET":
                assert "Code not recognized" in answer.body.decode(), path
    assert "wrong check digit" in fetch(resolver, "GET", f"/01/{wrong_digit}?lang=en").body.decode()
    # A code that is well formed but was never issued: 404, not 400.
    assert fetch(resolver, "GET", bottled.bottle(bottled.last + 1)).status == 404
    assert scans(app) == []


def test_the_linkset_is_gs1s_and_holds_every_level_with_one_default_link(app, bottled, resolver):
    """SHALL answer linkType=linkset and Accept: application/linkset+json with
    the RFC 9264 linkset (valid against GS1's schema); every link with its
    URL, type and title, SHOULD with its languages; the links of each level
    up to the primary key; one default link, also described by a
    descriptive type, without optional attributes; its subject the
    (uncompressed) request URI."""
    bottle = bottled.bottle(bottled.first + 7)
    relaxed = jsonschema.Draft7Validator(relaxed_schema())
    strict = jsonschema.Draft7Validator(SCHEMA)
    levels = {
        bottle: {"pip": bottled.product_path, "traceability": bottled.lot_path, "verificationService": bottle},
        bottled.lot_path: {"pip": bottled.product_path, "traceability": bottled.lot_path},
        bottled.product_path: {"pip": bottled.product_path},
    }
    for path, expected in levels.items():
        by_query = fetch(resolver, "GET", path + "?linkType=linkset")
        by_accept = fetch(resolver, "GET", path, {"Accept": "application/linkset+json"})
        for answer in (by_query, by_accept):
            assert answer.status == 200, path
            assert answer.header("Content-Type") == "application/linkset+json"
            assert answer.header("Access-Control-Allow-Origin") == "*"
            assert 'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"' in answer.header("Link")
        document = by_query.json()
        assert by_accept.json() == document
        assert list(relaxed.iter_errors(document)) == [], path
        # The public schema fails our linksets only on its anchor and href patterns (hyphens).
        for error in strict.iter_errors(document):
            assert error.validator == "pattern" and error.path[-1] in ("anchor", "href"), error
        (context,) = document["linkset"]
        assert context["anchor"] == BASE + path
        typed = {key.removeprefix(GS1): links for key, links in context.items() if key.startswith(GS1)}
        default = typed.pop("defaultLink")
        assert {kind: [link["href"] for link in links] for kind, links in typed.items()} == {
            kind: [BASE + href] for kind, href in expected.items()}
        for links in typed.values():
            for link in links:
                assert link["title"] and link["hreflang"] == ["zh", "en"] and link["type"] == "text/html", link
        assert len(default) == 1 and set(default[0]) == {"href", "title"} and default[0]["title"]
        described = [kind for kind, links in typed.items() if any(link["href"] == default[0]["href"] for link in links)]
        assert len(described) == 1 and default[0]["href"] == BASE + path
    assert scans(app) == []  # a client asking for links is not a consumer's scan


def test_each_link_type_redirects_to_its_link_with_the_query_passed_on(app, bottled, resolver):
    """SHALL redirect to the requested type of link if available; SHALL pass
    on all key=value pairs of the query string; SHALL answer 404 when no link
    of that type is available; a linkType that is not a URI or CURIE is a
    syntax error (400)."""
    bottle = bottled.bottle(bottled.first + 8)
    offered = {"pip": bottled.product_path, "traceability": bottled.lot_path, "verificationService": bottle,
               "defaultLink": bottle}
    for kind, href in offered.items():
        for spelled in (f"gs1:{kind}", f"{GS1}{kind}", f"https://ref.gs1.org/voc/{kind}"):
            answer = fetch(resolver, "GET", f"{bottle}?linkType={spelled}&foo=bar&lang=en")
            assert answer.status == 307, spelled
            assert answer.header("Location") == f"{BASE}{href}?foo=bar&lang=en", spelled
            assert answer.links["linkset"]  # the linkset is named even when redirecting
            assert answer.header("Access-Control-Allow-Origin") == "*"
        assert fetch(resolver, "HEAD", f"{bottle}?linkType=gs1:{kind}").status == 307
    assert fetch(resolver, "GET", f"{bottled.lot_path}?linkType=gs1:pip").header("Location") == BASE + bottled.product_path
    for unknown in ("gs1:recipeInfo", "https://example.org/voc/manual", "acme:manual", "gs1:verificationService"):
        path = bottled.product_path if unknown == "gs1:verificationService" else bottle
        answer = fetch(resolver, "GET", f"{path}?linkType={unknown}&lang=en")
        assert answer.status == 404, unknown
        assert "no link of the type asked for" in answer.body.decode()
    for bad in ("pip", "gs1%20pip", "%3Cscript%3E", "gs1:", "https://"):
        answer = fetch(resolver, "GET", f"{bottle}?linkType={bad}&lang=en")
        assert answer.status == 400, bad
        assert "neither a URI nor a compact URI" in answer.body.decode(), bad
    assert scans(app) == []


def test_other_spellings_of_a_bottle_answer_as_its_canonical_uri_does(app, bottled, resolver):
    """SHOULD tolerate a trailing slash; GTIN-8/12/13 and a serial without its
    lot redirect (307, query kept) to the canonical URI, where the scan is
    counted once; a compressed URI SHALL be decompressed, answered as the
    uncompressed one is (not redirected) with it as owl:sameAs."""
    number = bottled.first + 9
    bottle = bottled.bottle(number)
    serial = codes.serial_text(KEY, bottled.gtin, bottled.lot, number)
    assert bottled.gtin.startswith("0")
    for path in (bottle, bottled.lot_path, bottled.product_path):
        plain, slash = fetch(resolver, "HEAD", path), fetch(resolver, "HEAD", path + "/")
        assert (plain.status, plain.header("Location")) == (slash.status, slash.header("Location")) == (200, "")
    short_gtin = bottled.gtin[1:]  # the GTIN-13 on the bottle's EAN-13 bar code
    redirects = {
        f"/01/{short_gtin}/10/{bottled.lot}/21/{serial}?lang=en": f"{BASE}{bottle}?lang=en",
        f"/01/{short_gtin}": BASE + bottled.product_path,
        f"/01/{bottled.gtin}/21/{serial}?foo=bar": f"{BASE}{bottle}?foo=bar",
        f"/01/{short_gtin}/21/{serial}/": f"{BASE}{bottle}",
    }
    for path, location in redirects.items():
        answer = fetch(resolver, "GET", path)
        assert (answer.status, answer.header("Location")) == (307, location), path
    assert scans(app) == []  # a redirect counts nothing
    segment = compressed.compress_keys({"01": bottled.gtin, "10": bottled.lot, "21": serial})
    for method in ("HEAD", "GET"):
        answer = fetch(resolver, method, f"/{segment}?lang=en")
        assert answer.status == 200
        assert answer.links["owl:sameAs"] == [f'{BASE}{bottle}>; rel="owl:sameAs"']
        assert answer.links["linkset"] == [f'{BASE}{bottle}?linkType=linkset>; rel="linkset"; type="application/linkset+json"']
    assert "first time" in answer.body.decode()
    assert fetch(resolver, "GET", f"/{segment}?linkType=gs1:pip").header("Location") == BASE + bottled.product_path
    linkset = fetch(resolver, "GET", f"/{segment}?linkType=linkset").json()
    assert linkset["linkset"][0]["anchor"] == BASE + bottle  # the uncompressed URI is the subject
    assert fetch(resolver, "GET", bottle + "?lang=en").status == 200
    assert scans(app) == [(number, 2)]  # the compressed GET and the canonical one


def test_the_resolver_description_file(app, resolver):
    """SHALL provide /.well-known/gs1resolver listing the supported primary
    keys; SHOULD declare the JSON-LD context there."""
    answer = fetch(resolver, "GET", "/.well-known/gs1resolver")
    assert answer.status == 200 and answer.header("Content-Type") == "application/json"
    assert answer.header("Access-Control-Allow-Origin") == "*"
    description = answer.json()
    assert description["resolverRoot"] == BASE
    assert description["supportedPrimaryKeys"] == ["01"]
    assert description["jsonLdContextLocation"].startswith(BASE + "/")
    assert {"namespace": GS1, "prefix": "gs1:", "profile": GS1 + "?show=linktypes"} in description["supportedLinkType"]
    assert fetch(resolver, "OPTIONS", "/.well-known/gs1resolver").status == 204
