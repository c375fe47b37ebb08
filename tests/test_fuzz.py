"""No input gives a 500, and a refusal writes nothing: generated bodies for
every route, sent by its owner (signed in, with a valid CSRF token), on a
county with one of everything.

Each role's routes are found in the views (tests/fuzz.py); the bodies start
from what that role's pages send and change a few fields to values that
have broken such apps before (NUL bytes, ids past the columns, numbers past
any column, dates of year 1 and 9999, text of every script). A GET, and a
POST that is refused (4xx), must leave the database as it was (apart from
the logs of what was asked: scans and unknown codes). The test prints, per
route, how many examples got past the form to a service (a transaction).

CI runs a derandomized profile, OILCHAIN_FUZZ_EXAMPLES (25) examples a
route; a longer run by hand:
    OILCHAIN_FUZZ_EXAMPLES=500 OILCHAIN_FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py -s
"""

import json
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oilchain import db

from .fuzz import SWEEP, NASTY_IDS, body, build_url, county, pages_of, routes, send, sign_in, url_value, variables

EXAMPLES = int(os.environ.get("OILCHAIN_FUZZ_EXAMPLES", "25"))
PROFILE = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("OILCHAIN_FUZZ_RANDOM") != "1",
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
ROLES = [None, "nursery", "cooperative", "processor", "manager", "admin"]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_input_gives_a_server_error_and_a_refusal_writes_nothing(app, client, auth, world, role, monkeypatch):
    valid = county(app, world)
    sign_in(auth, role)
    mine = [route for route in routes(app) if route.role == role and route.endpoint != "harvest.field_sync"]
    bases = pages_of(app, client, mine, valid)
    reached = Counter()
    real_transaction = db.transaction

    def counted(session, call, *args, **kwargs):
        reached[current[0]] += 1
        return real_transaction(session, call, *args, **kwargs)

    monkeypatch.setattr(db, "transaction", counted)
    current = [None]
    failures, tried = [], Counter()
    for route in mine:
        current[0] = route.endpoint

        @PROFILE
        @given(st.data())
        def one(data):
            method = data.draw(st.sampled_from(route.methods), label="method")
            known = bases.get((route.endpoint, method))
            if known and data.draw(st.integers(0, 4), label="own page") > 0:
                path, base = data.draw(st.sampled_from(known), label="page")
            else:
                path = build_url(route.rule, {name: data.draw(url_value(name, valid), label=name)
                                              for name in variables(route.rule)})
                base = {}
            names = route.form_names if method == "POST" else route.query_names
            fields = body(data, base, names)
            htmx = data.draw(st.booleans(), label="htmx")
            tried[route.endpoint] += 1
            send(app, client, auth, role, route.endpoint, method, path, fields, htmx)

        try:
            one()
        except Exception as error:  # every route's failure, not the first one's only
            failures.append(f"{route.endpoint}: {described(error)}")
    print(f"\nfuzz {role or 'anonymous'}: {json.dumps({e: [tried[e], reached[e]] for e in sorted(tried)})}")
    print(f"fuzz {role or 'anonymous'}: {sum(tried.values())} examples, {sum(reached.values())} reached a service")
    assert not failures, "\n\n".join(failures)
    assert sum(reached.values()) > 0


def described(error: BaseException) -> str:
    """An error and the example that raised it, short (Hypothesis may find several)."""
    parts = getattr(error, "exceptions", None) or [error]
    return "\n".join(f"{type(part).__name__}: {str(part)[:300]}\n  " + "\n  ".join(getattr(part, "__notes__", []))[:1200]
                     for part in parts)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_field_and_address_refuses_what_broke_it_before(app, client, auth, world, role):
    """Not left to chance: each field of each form a role's pages send, and
    each variable of each of its addresses, with each value of SWEEP (a NUL
    byte, ids and numbers past every column, years 1 and 9999, ...)."""
    valid = county(app, world)
    sign_in(auth, role)
    mine = [route for route in routes(app) if route.role == role and route.endpoint != "harvest.field_sync"]
    bases = pages_of(app, client, mine, valid)
    failures, sent = {}, 0
    for route in mine:
        for method in route.methods:
            path, base = (bases.get((route.endpoint, method)) or [(None, {})])[0]
            names = route.form_names if method == "POST" else route.query_names
            for name in sorted(set(base) | names):
                for value in SWEEP:
                    sent += 1
                    try:
                        send(app, client, auth, role, route.endpoint, method,
                             path or build_url(route.rule, first_values(valid)), {**base, name: value}, False)
                    except Exception as error:
                        failures.setdefault((route.endpoint, method, name), f"{value!r}: {described(error)}")
            for variable in variables(route.rule):
                for value in NASTY_IDS + SWEEP:
                    sent += 1
                    try:
                        send(app, client, auth, role, route.endpoint, method,
                             build_url(route.rule, {**first_values(valid), variable: value}), dict(base), False)
                    except Exception as error:
                        failures.setdefault((route.endpoint, method, "<" + variable + ">"), f"{value!r}: {described(error)}")
    print(f"\nsweep {role or 'anonymous'}: {sent} requests, {len(failures)} fields or addresses failed")
    assert not failures, "\n\n".join(f"{key}: {text}" for key, text in failures.items())


def first_values(valid: dict) -> dict:
    return {name: values[0] for name, values in valid.items()}
