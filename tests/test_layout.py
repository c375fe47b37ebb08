"""Every page fits a phone and a tablet: each role's pages at 360 x 740 and
800 x 1280 in Debian's Chromium (and at 360 x 740 in English), against one live server on the demo year
(loaded once per session into a database of this module's own).

The pages are every GET rule of the app's URL map (tests/layout_pages.py:
sample values for rule arguments, an explicit list of what is not an HTML
page for people, with reasons); a role's pages are those that answer it 200
with HTML. A plain test fails when a GET rule is neither sampled nor
excluded, so a new page cannot be skipped. Pages that look the same whoever
is signed in (consumer pages, an organization's page: ANONYMOUS_ONLY) are
looked at as anonymous only, with their 4xx pages for wrong codes. A page
answering 5xx fails, and so does an endpoint no role sees any page of.

On every page, at every width, the browser test fails on (tests/layout_check.js):
- an element past the viewport's left or right edge: every rendered element's
  box (and the text in it) must lie within 0..viewport width. A wrapper that
  scrolls sideways or clips (overflow: auto / hidden) does not excuse it: the
  rects are checked, not only the document's scrollWidth (which is checked too).
  Elements inside an <svg> (charts, maps) count as their <svg>.
- a table row's action that is out of reach: every link, button or form
  control in a <tr> is scrolled to (vertically only), and
  document.elementFromPoint at its centre must be the control or inside it
  (or the <label> around it), with the centre inside the viewport.
- a touch target under 44 x 44 px: the targets are <button>, <input> (not
  hidden), <select>, <textarea>, <summary>, and <a href> that is not inline in
  running text; a checkbox or radio is measured by the <label> around it (or
  for it). A link is inline in running text when its computed display is
  `inline` and its block container (the nearest ancestor that is not
  `display: inline`) holds text of its own (words or figures: a separator
  such as "·" between links does not count), outside any link, button, form
  control or summary: a link within a sentence (WCAG 2.5.8's inline exception).
- a number field without `inputmode` (an <input type=number>, or one whose
  pattern is digits). Form fields are checked without a browser:
  test_number_fields_of_every_form_carry_inputmode.
With the menu folded (a .menu-toggle shown), the header is checked again with
the menu open. Problems are collected over the whole run, then reported at
once: page, width, role, element (a short selector and its text), what is wrong.

Pages are in Chinese, the language the county reads them in, at both
widths, and in English (the `lang` cookie) at 360 px too.
"""

import os
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField

from oilchain import create_app, db, demo, migrate
from oilchain.reference import seed_reference_data

from . import layout_pages
from .browser_server import PUBLIC_BASE_URL, LiveServer

# (width, height, language): both widths in Chinese, and the phone in English too,
# whose longer words are the likelier to push a box past the edge.
WIDTHS = [(360, 740, "zh_CN"), (800, 1280, "zh_CN"), (360, 740, "en")]
CHECK = (Path(__file__).parent / "layout_check.js").read_text()
WAIT_MS = 15_000


class Site:
    def __init__(self, server: LiveServer, pages: list[tuple[str, str]], missing: list[str]):
        self.server, self.pages, self.missing = server, pages, missing


def add_a_recall_and_a_document(session) -> None:
    """What the demo does not make but pages show: a recall (its page and
    the holds it puts on lots) and a document job (its page)."""
    from sqlmodel import select

    from oilchain.auth.models import User
    from oilchain.auth.services import actor_for
    from oilchain.downloads import services as documents
    from oilchain.ledger.models import Lot
    from oilchain.trace import recalls

    manager = session.exec(select(User).where(User.username == "manager")).one()
    processor = session.exec(select(User).where(User.username == "processor")).one()
    husk = session.exec(select(Lot.code).where(Lot.kind == "husk").order_by(Lot.id)).first()
    recalls.start_recall(session, actor=actor_for(session, manager.id), reason="酸价超标，抽检复核", lot_code=husk)
    product = session.exec(select(Lot.code).where(Lot.kind == "product").order_by(Lot.id)).first()
    documents.request_job(session, actor=actor_for(session, processor.id), kind="serials_csv", params={"code": product},
                          locale="zh_CN")
    session.commit()


@pytest.fixture(scope="session")
def layout_site(tmp_path_factory, worker_id):
    """The demo year in a database of its own, served by one live server."""
    from .conftest import _drop_postgres_database, _recreate_postgres_database

    base = os.environ.get("OILCHAIN_TEST_DATABASE_URL")
    server_url = None
    if base:
        server_url = make_url(db.normalize_url(base))
        name = f"{server_url.database}_{worker_id}_layout"
        _recreate_postgres_database(server_url, name)
        url = server_url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("layout-db") / "layout.db")
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "test-serial-key", "PUBLIC_BASE_URL": PUBLIC_BASE_URL})
    with app.app_context():
        session = db.session()
        seed_reference_data(session)
        session.commit()
        demo.load(session, PUBLIC_BASE_URL, "test-serial-key")
        add_a_recall_and_a_document(session)
        data = layout_pages.sample_data(session, "test-serial-key")
    pages, missing = layout_pages.pages(app.url_map, data)
    app.extensions["oilchain.engine"].dispose()
    app.extensions["oilchain.scan_engine"].dispose()
    server = LiveServer(url, tmp_path_factory.mktemp("layout-server"))
    server.start()
    yield Site(server, pages, missing)
    server.stop()
    if server_url is not None:
        _drop_postgres_database(server_url, name)


# --- without a browser ----------------------------------------------------------------


def test_every_get_rule_is_a_page_or_excluded_with_its_reason(app):
    assert layout_pages.unlisted(app.url_map) == [], (
        "GET rules the layout test cannot build a page for: give their arguments a sample (layout_pages.SAMPLES) "
        "or exclude them with a reason (layout_pages.EXCLUDED)")
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(layout_pages.EXCLUDED) - endpoints == set(), "excluded endpoints that no longer exist"
    assert set(layout_pages.VARIANTS) - endpoints == set(), "variants of endpoints that no longer exist"
    assert all(reason.strip() for reason in layout_pages.EXCLUDED.values())


def all_forms(cls=FlaskForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_forms(sub)


def test_number_fields_of_every_form_carry_inputmode(app):
    """Every DecimalField and IntegerField of every form renders with
    inputmode (decimal or numeric): the phone's number keypad."""
    missing, seen = [], 0
    with app.test_request_context("/"):
        for form_class in set(all_forms()):
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:  # a form that needs arguments of its own
                continue
            for field in form:
                if isinstance(field, (DecimalField, IntegerField)):
                    seen += 1
                    html = str(field())
                    if 'inputmode="decimal"' not in html and 'inputmode="numeric"' not in html:
                        missing.append(f"{form_class.__module__}.{form_class.__name__}.{field.name}")
    assert seen > 20, "the forms were not found"
    assert missing == []


# --- in the browser ---------------------------------------------------------------------


def look(page, scope: str) -> list[dict]:
    return page.evaluate(CHECK, scope)


def summarize(path: str, width: int | str, role: str, found: list[dict]) -> list[str]:
    """One line per element and kind of problem, counted (a table's rows
    repeat the same problem)."""
    counts = Counter((f["element"], f["what"].split(" (")[0]) for f in found)
    first = {}
    for f in found:
        first.setdefault((f["element"], f["what"].split(" (")[0]), f)
    lines = []
    for key, count in counts.items():
        f = first[key]
        times = f" [x{count}]" if count > 1 else ""
        lines.append(f"{path} at {width} px as {role}: {f['element']} «{f['text']}»: {f['what']}{times}")
    return lines


def test_every_page_fits_a_phone_and_a_tablet(layout_site, browser):
    started = time.monotonic()
    problems = list(f"no page could be built for {rule} (no sample in the data)" for rule in layout_site.missing)
    seen: set[str] = set()
    looked = 0
    for role, username in layout_pages.ROLES.items():
        pages = None
        for width, height, lang in WIDTHS:
            context = browser.new_context(base_url=layout_site.server.url, viewport={"width": width, "height": height},
                                          locale="zh-CN" if lang == "zh_CN" else "en-US")
            context.add_cookies([{"name": "lang", "value": lang, "url": layout_site.server.url}])
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            if username:
                layout_pages.sign_in(page, username, demo.DEMO_PASSWORD)
            if pages is None:
                pages, errors = layout_pages.role_pages(context, layout_site.pages, role)
                problems += [f"{error} as {role}" for error in errors]
                seen.update(pages)
            for path in pages:
                page.goto(path, wait_until="load")
                found = look(page, "body")
                toggle = page.locator(".menu-toggle")
                if toggle.count() and toggle.first.is_visible():
                    toggle.first.click()
                    found += [dict(f, what=f["what"] + " (menu open)") for f in look(page, "header")]
                problems += summarize(path, width if lang == "zh_CN" else f"{width} ({lang})", role, found)
                looked += 1
            context.close()
    never = sorted({endpoint for endpoint, path in layout_site.pages} - {endpoint for endpoint, path in layout_site.pages
                                                                         if path in seen})
    problems += [f"{endpoint}: no role sees any of its pages (its sample values may be wrong)" for endpoint in never]
    elapsed = time.monotonic() - started
    print(f"layout: {looked} page views in {elapsed:.0f} s")
    assert not problems, f"{len(problems)} layout problems ({looked} page views):\n" + "\n".join(problems)
