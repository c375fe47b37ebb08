"""Security headers on every answer (oilchain/security.py), and pages the
Content-Security-Policy does not break: every page each role can open (the
routes found as tests/fuzz.py finds them) has no inline script without the
request's nonce, no `style` attribute, no inline handler, and only inline
CSS whose hash the policy names."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from oilchain import create_app

from .fuzz import build_url, county, routes, sign_in
from .http import HX

ROLES = [None, "nursery", "cooperative", "processor", "manager", "admin"]
STATIC = ["/static/css/app.css", "/static/js/field.js", "/static/vendor/htmx-2.0.11.min.js", "/static/icons/field-192.png"]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_security_headers(response):
    csp = directives(response)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # development (conftest's app)


class InlineCode(HTMLParser):
    """What of a page the policy would block: each a (what, detail) pair."""

    def __init__(self, nonce: str | None, style_sources: list[str]):
        super().__init__(convert_charrefs=True)
        self.nonce, self.style_sources = nonce, style_sources
        self.blocked: list[tuple[str, str]] = []
        self.scripts = 0
        self._style = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.blocked.append(("style attribute", f"<{tag} style={value!r}>"))
            if name.startswith("on") or name.startswith("hx-on"):
                self.blocked.append(("inline handler", f"<{tag} {name}={value!r}>"))
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(("javascript: URL", f"<{tag} {name}={value!r}>"))
        if tag == "script" and "src" not in a:
            self.scripts += 1
            if self.nonce is None or a.get("nonce") != self.nonce:
                self.blocked.append(("inline script without the nonce", str(a)))
        if tag == "style":
            self._style = "" if a.get("nonce") is None or a.get("nonce") != self.nonce else None

    def handle_data(self, data):
        if self._style is not None:
            self._style += data

    def handle_endtag(self, tag):
        if tag == "style" and self._style is not None:
            digest = "'sha256-" + base64.b64encode(hashlib.sha256(self._style.encode()).digest()).decode() + "'"
            if digest not in self.style_sources:
                self.blocked.append(("inline style whose hash the policy lacks", self._style[:80]))
            self._style = None


def blocked_in(response) -> list[tuple[str, str]]:
    csp = directives(response)
    nonces = [s[len("'nonce-"):-1] for s in csp["script-src"] if s.startswith("'nonce-")]
    parser = InlineCode(nonces[0] if nonces else None, csp["style-src"])
    parser.feed(response.get_data(as_text=True))
    return parser.blocked


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_page_of_every_role_has_the_headers_and_nothing_the_policy_blocks(app, client, auth, world, role):
    valid = county(app, world)
    sign_in(auth, role)
    mine = [route for route in routes(app) if route.role == role and "GET" in route.methods]
    seen, pages, problems = 0, 0, {}
    for route in mine:
        url = build_url(route.rule, {name: values[0] for name, values in valid.items()})
        for headers in ({}, HX):
            response = client.get(url, headers=headers)
            assert_security_headers(response)
            seen += response.status_code == 200  # JSON answers too (the resolver's description, its context)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages += 1
                if blocked := blocked_in(response):
                    problems[(url, bool(headers))] = blocked
    print(f"\n{role or 'anonymous'}: {pages} HTML answers ({seen} answers 200) of {len(mine)} routes checked")
    assert seen >= len(mine) // 2, "too few pages answered 200: the county is not what the routes need"
    assert not problems, problems


def test_a_nonce_is_new_on_every_request_and_only_where_a_page_uses_it(app, client, auth, world):
    auth.login("processor")
    first, second = client.get("/processing/receive"), client.get("/processing/receive")
    nonces = [re.search(r'<script id="scan-text" type="application/json" nonce="([^"]+)"', r.get_data(as_text=True)).group(1)
              for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    assert f"'nonce-{nonces[0]}'" in directives(first)["script-src"]
    assert not any(s.startswith("'nonce-") for s in directives(client.get("/processing/"))["script-src"])


def test_files_and_error_pages_carry_the_headers_too(client):
    for address in STATIC:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_security_headers(response)
    assert client.get("/static/js/field.js").mimetype == "text/javascript"  # nosniff: a script must say it is one
    assert_security_headers(client.get("/no/such/page"))


def test_the_consumer_pages_css_is_allowed_by_its_hash_and_the_fast_path_sends_the_same_policy(app, client, world):
    valid = county(app, world)
    bottle = f"/01/{valid['gtin'][0]}/10/{valid['lot_code'][0]}/21/{valid['serial'][0]}"
    by_flask = client.get(bottle)
    assert by_flask.status_code == 200
    assert_security_headers(by_flask)
    html = by_flask.get_data(as_text=True)
    assert "<script" not in html  # the consumer page needs no JavaScript
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert len(css) > 500 and "'sha256-" in " ".join(directives(by_flask)["style-src"])
    assert blocked_in(by_flask) == []
    seen = {}
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/01/{valid['gtin'][0]}/10/{valid['lot_code'][0]}/21/{valid['serial'][1]}",
               "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    body = b"".join(app.wsgi_app(environ, lambda status, headers: seen.update(status=status, headers=dict(headers))))
    assert seen["status"] == "200 OK" and b"<style>" in body  # answered in front of Flask
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert seen["headers"][name] == by_flask.headers[name]


def test_hsts_only_in_production(database_url, monkeypatch):
    monkeypatch.setenv("OILCHAIN_ENV", "production")
    monkeypatch.setenv("OILCHAIN_SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("OILCHAIN_PUBLIC_BASE_URL", "https://trace.example.cn")
    production = create_app({"DATABASE_URL": database_url})
    response = production.test_client().get("/static/css/app.css")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Frame-Options"] == "DENY"
