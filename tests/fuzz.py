"""The fuzz test's parts (tests/test_fuzz.py): which routes there are and who
owns them, the bodies their own forms would send, and the values that have
broken such apps before.

A route's owner, and the names of its fields, are read from the view itself:
the role in its `roles_required(...)`, the fields of the WTForms classes it
builds and the names it reads from `request.args` and `request.form`. The
bodies start from what the owner's pages really send (every form on every
page the owner can open, with its hidden values, its first choices and a
plausible value where it is empty), so that examples get past the form and
reach the services; Hypothesis then changes up to a few fields at a time."""

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from sqlmodel import delete, select

from oilchain import codes, jobs
from oilchain.admin.models import Township, Variety
from oilchain.auth import services as auth_services
from oilchain.auth.models import AccessToken, Organization, SignInThrottle, User
from oilchain.downloads import services as documents
from oilchain.downloads.models import DocumentJob
from oilchain.forms import Form
from oilchain.gi.models import GIProducer
from oilchain.ledger.models import Event, Lot
from oilchain.planting.models import PlantingRecord, Plot
from oilchain.processing.models import Product, ProductLot, QualityTest
from oilchain.public import compressed
from oilchain.trace import recalls
from oilchain.trace.models import Recall

from . import chain
from .chain import db_session, snapshot

USERS = {"nursery": "nursery", "cooperative": "coop", "processor": "processor", "manager": "bureau", "admin": "admin"}
SKIPPED = {"static"}  # files from a folder: werkzeug's own safe_join, nothing of ours to reach
# Tables a refused or read-only request may still write: logs of what was asked
# (a refused sign-in is counted before its password is checked: auth/throttle.py).
LOGS = {"serial_scan", "unknown_scan", "sign_in_throttle"}
# Routes after which the fuzz's own session has ended: it signs in again.
SIGNS_OUT = {"auth.logout", "auth.login", "auth.sign_out_everywhere"}

NASTY_TEXT = [
    "\x00", "a\x00b", "\x01\x02\x1b[31m", "\x7f", "\u202e\u2066", "𠜎𠜱", "<script>alert(1)</script>",
    "'; drop table lot; --", '=HYPERLINK("http://x","y")', "x" * 5000, " ", "", "%00", "../../etc/passwd",
    "\r\n\r\nSet-Cookie: x=y", "null", "[]", "{}",
]
NASTY_NUMBERS = [
    "0", "-1", "-0", "1e400", "1e-400", "NaN", "Infinity", "-Infinity", "2147483647", "2147483648",
    "-2147483649", "9223372036854775807", "9223372036854775808", "1" + "0" * 40, "0x10", "1,5", "１２",
    "1.0000000001", " 5 ", "5.", ".5", "1_000",
]
NASTY_DATES = ["0001-01-01", "9999-12-31", "2025-02-30", "1999-12-31", "2000-01-01", "20251101", "tomorrow", "2025-13-01"]
NASTY_IDS = ["0", "-1", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
             "1" + "0" * 30, "abc", "%00", "1.5", "%F0%9F%98%80"]
NASTY = NASTY_TEXT + NASTY_NUMBERS + NASTY_DATES
# Each field of each form gets each of these (test_every_field_...): the values that broke it before.
SWEEP = ["a\x00b", "\x1b", "2147483648", "9223372036854775808", "-2147483649", "1e400", "Infinity",
         "0001-01-01", "9999-12-31", "x" * 5000, "𠜎"]


@dataclass
class Route:
    endpoint: str
    rule: str
    methods: tuple
    role: str | None
    query_names: set = field(default_factory=set)
    form_names: set = field(default_factory=set)


# --- the county the examples act on ---------------------------------------------------------


KEY = "test-serial-key"


def county(app, world) -> dict:
    """One of everything, and the values URL variables may take."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        chain.registered_batch(session, world)  # a batch at every stage a nursery form acts on
        chain.seedling_batch(session, world)
        waiting = chain.harvest_lot(session, world, grams=chain.FRUIT_G)  # a lot on its way to the processor
        chain.ship(session, world, lot=waiting)
        chain.with_credit_code(session, world)
        chain.gi_defined(session, world)
        auth_services.issue_device_token(session, actor=world.actors["coop"], label="fuzz", password=chain.PASSWORD)
        recalls.start_recall(session, actor=world.actors["bureau"], reason="fuzz", lot_code=built.husk.code)
        session.commit()
        lot_codes = [lot.code for lot in session.exec(select(Lot))]
        product = session.exec(select(Product)).first()
        product_lot = session.exec(select(ProductLot).join(Lot, Lot.id == ProductLot.lot_id)).first()
        bottle_code = session.get(Lot, product_lot.lot_id).code
        documents.request_job(session, actor=world.actors["processor"], kind="serials_csv",  # a job (queued) to look at
                              params={"code": bottle_code}, locale="zh_CN")
        session.commit()
        ids = lambda model: [str(i) for i in session.exec(select(model.id))][:6]  # noqa: E731
        return {
            "township_id": ids(Township), "event_id": ids(Event), "producer_id": ids(GIProducer),
            "token_id": ids(AccessToken), "user_id": ids(User), "document_id": ids(DocumentJob),
            "planting_id": ids(PlantingRecord), "plot_id": ids(Plot), "test_id": ids(QualityTest),
            "recall_id": ids(Recall), "entry_id": ["1"], "job_id": list(jobs.JOBS), "org_id": ids(Organization),
            "variety_id": ids(Variety), "product_id": ids(Product),
            "digest": ["0" * 64],  # no photo in this data: the product photo's route answers 404
            "code": lot_codes, "gtin": [product.gtin], "lot_code": [bottle_code],
            "serial": [codes.serial_text(KEY, product.gtin, bottle_code, product_lot.serial_first + n) for n in (0, 5)],
            "fmt": ["pdf", "csv"],
        } | resolver_paths(product.gtin, bottle_code, codes.serial_text(KEY, product.gtin, bottle_code, product_lot.serial_first))


def resolver_paths(gtin: str, lot_code: str, serial: str) -> dict:
    """The Digital Link routes' variables (public/views.py): what follows
    /01/, and a compressed Digital Link."""
    return {"rest": [f"{gtin}/10/{lot_code}/21/{serial}", gtin, f"{gtin}/10/{lot_code}"],
            "segment": [compressed.compress_keys({"01": gtin, "10": lot_code, "21": serial}), compressed.compress_keys({"01": gtin})]}


def pages_of(app, client, role_routes, valid) -> dict:
    """The forms on every page the role can open (its GET routes with known
    values), by the endpoint they send to."""
    bases: dict = {}
    for route in role_routes:
        if "GET" not in route.methods:
            continue
        for n in range(3):
            url = build_url(route.rule, {name: values[n % len(values)] for name, values in valid.items()})
            for form in page_forms(app, client, url):
                if form["endpoint"]:
                    bases.setdefault((form["endpoint"], form["method"]), []).append((form["path"], form["fields"]))
    return bases


def send(app, client, auth, role, endpoint, method, path, fields, htmx) -> None:
    """One request as the role; it must not answer 5xx, and a GET or a
    refusal must write nothing (but the logs)."""
    headers = {"HX-Request": "true"} if htmx else {}
    before = state(app)
    if method == "POST":
        response = auth.post(path, fields, headers=headers)
    else:
        response = client.get(path, query_string=fields, headers=headers)
    assert response.status_code < 500, (method, path, fields, response.get_data(as_text=True)[:300])
    if method == "GET" or response.status_code >= 400:
        assert state(app) == before, ("written on refusal", method, path, fields, response.status_code)
    if endpoint in SIGNS_OUT:  # signed out (or in as someone else): sign in again
        sign_in(auth, role)


def sign_in(auth, role):
    """Sign in as the role again. The fuzz's own wrong passwords (on the
    password page, for a tablet) count as failed sign-ins; they are wiped
    first, so the fuzz never waits for its own guesses (throttling has its
    tests in tests/auth)."""
    if role:
        with db_session(auth.client.application) as session:
            session.execute(delete(SignInThrottle))
            session.commit()
        auth.login(USERS[role])


def state(app) -> dict:
    with db_session(app) as session:
        taken = snapshot(session)
    taken["counts"] = {name: n for name, n in taken["counts"].items() if name not in LOGS}
    return taken


# --- the routes and their owners -------------------------------------------------------------


def routes(app) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        source = inspect.getsource(view)
        roles = getattr(app.view_functions[rule.endpoint], "roles", None)
        with app.test_request_context():
            form_names = set().union(*(names_of(cls) for cls in form_classes(view, source))) - {"csrf_token"}
        found.append(Route(
            endpoint=rule.endpoint,
            rule=rule.rule,
            methods=tuple(sorted(rule.methods & {"GET", "POST"})),
            role=roles[0] if roles else ("cooperative" if "login_required" in source else None),
            query_names=set(re.findall(r'request\.args\.get(?:list)?\(\s*"(\w+)"', source)),
            form_names=form_names | set(re.findall(r'request\.form(?:\.get(?:list)?\(\s*|\[)"(\w+)"', source)),
        ))
    return sorted(found, key=lambda r: r.rule)


def form_classes(view, source: str) -> list:
    scope = view.__globals__
    named = {name for name in re.findall(r"\b([A-Z]\w*Form)\(", source)}
    return [scope[name] for name in named if isinstance(scope.get(name), type) and issubclass(scope[name], Form)]


def names_of(form_class) -> set:
    return {f.name for f in form_class()}


# --- what the owner's pages send -------------------------------------------------------------


class Forms(HTMLParser):
    """Every form of a page: its action, method and the values it would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").upper(),
                               "fields": {}, "page": None})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            fields.setdefault(name, plausible(a.get("type", "text"), a.get("value"), a))
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, None)
        elif tag == "option" and self._select and fields.get(self._select) is None and a.get("value"):
            fields[self._select] = a["value"]
        elif tag == "textarea" and name:
            fields.setdefault(name, "测试")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def plausible(kind: str, value: str | None, attrs: dict) -> str:
    """What a person would type into an empty field of this kind."""
    if value:
        return value
    if kind == "number" or attrs.get("inputmode") in ("decimal", "numeric"):
        return attrs.get("min") or "1"
    if kind == "date":
        return "2025-12-01"
    if kind == "password":
        return "fuzz-password"
    return "测试"


def page_forms(app, client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.content_type:
        return []
    parser = Forms()
    parser.feed(response.get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    for form in parser.forms:
        path = urlsplit(form["action"]).path or urlsplit(url).path
        try:
            form["endpoint"], _values = adapter.match(path, method=form["method"])
        except HTTPException:
            form["endpoint"] = None
        form["path"] = path
        form["page"] = url
    return parser.forms


# --- values ----------------------------------------------------------------------------------


def url_value(name: str, valid: dict) -> st.SearchStrategy:
    """A value for a URL variable: one the database has (most often), or one
    that has broken routing and lookups before."""
    known = valid.get(name) or ["1"]
    return st.one_of(st.sampled_from(known), st.sampled_from(NASTY_IDS), st.text(max_size=12))


def variables(rule: str) -> list[str]:
    return re.findall(r"<(?:[^:<>]+:)?(\w+)>", rule)


def build_url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe="%"), rule)


def field_value() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.integers(min_value=-2**70, max_value=2**70).map(str),
    )


def body(data, base: dict, names: set) -> dict:
    """The base body with up to three fields changed, dropped or added."""
    fields = dict(base)
    for name in names - set(fields):
        fields.setdefault(name, "")
    keys = sorted(fields)
    for _ in range(data.draw(st.integers(min_value=0, max_value=3), label="changes")):
        if not keys:
            break
        name = data.draw(st.sampled_from(keys), label="field")
        if data.draw(st.integers(min_value=0, max_value=5), label="how") == 0:
            fields.pop(name, None)
        else:
            fields[name] = data.draw(field_value(), label=name)
    return {k: v for k, v in fields.items() if v is not None}
