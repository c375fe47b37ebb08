"""The headers every answer carries: a Content-Security-Policy, no framing,
no MIME sniffing, a referrer policy, and HSTS in production.

Scripts come from files (`'self'`); the few inline `<script>` blocks (JSON
data for the field app and the scanner) carry the request's nonce,
`csp_nonce()` in templates. No page has a `style` attribute or an inline
handler. The consumer pages inline their CSS (`public_css()`, read from
static/css/public.css once at start) and are cached and answered in front of
Flask (public/scan.py), so that CSS is allowed by its `sha256-` hash, the
same for every answer, not by a nonce.
"""

import base64
import hashlib
import secrets

from flask import Flask, g
from markupsafe import Markup

from .resources import resource_dir

PUBLIC_CSS = ("css", "public.css")
HSTS = "max-age=31536000"  # a year; no includeSubDomains: the county's other hosts are not ours to pin


def csp_nonce() -> str:
    """This request's nonce, made when a template first asks for it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline `<style>` content."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def policy(style_hashes: tuple[str, ...] = (), nonce: str | None = None) -> str:
    own = (f"'nonce-{nonce}'",) if nonce else ()
    directives = {
        "default-src": ("'self'",),
        "script-src": ("'self'", *own),
        "style-src": ("'self'", *own, *style_hashes),
        # data: for QR images drawn in the page; blob: for a photo the scanner decodes.
        "img-src": ("'self'", "data:", "blob:"),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def fixed_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers of an answer that used no nonce (the consumer pages, files,
    JSON): what the fast scan path sends too."""
    headers = [
        ("Content-Security-Policy", app.extensions["oilchain.csp"]),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ]
    if app.config["OILCHAIN_ENV"] == "production":
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def init_app(app: Flask) -> None:
    css = (resource_dir("static").joinpath(*PUBLIC_CSS)).read_text(encoding="utf-8")
    hashes = (style_hash(css),)
    app.extensions["oilchain.csp"] = policy(hashes)
    app.jinja_env.globals.update(csp_nonce=csp_nonce, public_css=lambda: Markup(css))
    fixed = fixed_headers(app)

    @app.after_request
    def add_headers(response):
        for name, value in fixed:
            response.headers.setdefault(name, value)
        if "csp_nonce" in g:
            response.headers["Content-Security-Policy"] = policy(hashes, g.csp_nonce)
        return response
