"""The fast path in front of Flask (public/scan.py FastScans): it answers the
common scan, an anonymous consumer's scan of a lot whose page the worker
keeps, exactly as the Flask view does; every scan it cannot answer alone
goes on to Flask with nothing counted."""

import pytest

from oilchain import codes

from .. import chain
from ..chain import db_session
from ..http import page
from .conftest import KEY, environ, scans


def serial_of(address: str) -> str:
    return address.rsplit("/", 1)[1]


@pytest.mark.parametrize("query, cookie, html_lang", [
    ("", "", "zh-CN"), ("lang=en", "", "en"), ("", "lang=en", "en"), ("lang=zh_CN", "lang=en", "zh-CN"),
])
def test_a_cached_lot_is_answered_in_front_of_flask_with_the_views_bytes(app, client, fast, bottled, query, cookie, html_lang):
    first = bottled.bottle(bottled.first)
    if cookie:
        client.set_cookie(*cookie.split("="))
    locale_query = f"?{query}" if query else ""
    assert client.get(first + locale_query).status_code == 200  # Flask renders the lot's page and keeps it
    # The fast path answers a second bottle of the lot alone...
    second = bottled.bottle(bottled.first + 1)
    answered = fast.answer(environ(second, query, cookie))
    assert answered is not None
    # ...with what Flask answers for a third (an unrelated cookie sends it to Flask).
    third = bottled.bottle(bottled.first + 2)
    other = "other=1" + (f"; {cookie}" if cookie else "")
    client.set_cookie("other", "1")
    by_flask = client.get(third + locale_query, headers={"Cookie": other})
    assert by_flask.status_code == 200
    fast_html = answered.decode()
    assert f'<html lang="{html_lang}">' in fast_html
    assert fast_html.replace(serial_of(second), serial_of(third)) == page(by_flask)
    assert scans(app) == [(bottled.first, 1), (bottled.first + 1, 1), (bottled.first + 2, 1)]


def test_the_fast_path_sends_the_same_headers_as_the_view(app, client, fast, bottled):
    client.get(bottled.bottle(bottled.first))
    by_flask = client.get(bottled.bottle(bottled.first + 1), headers={"Cookie": "other=1"})
    seen = {}
    body = b"".join(fast(environ(bottled.bottle(bottled.first + 2)), lambda status, headers: seen.update(status=status, headers=headers)))
    assert seen["status"] == "200 OK"
    headers = dict(seen["headers"])
    assert int(headers.pop("Content-Length")) == len(body)
    expected = {name: value for name, value in by_flask.headers.items() if name != "Content-Length"}
    # The Link header names each bottle's own linkset.
    served, flask_link = bottled.bottle(bottled.first + 2), bottled.bottle(bottled.first + 1)
    assert headers.pop("Link") == expected.pop("Link").replace(flask_link, served)
    assert f"<https://trace.example.cn{served}?linkType=linkset>" in by_flask.headers["Link"].replace(flask_link, served)
    assert headers == expected


def test_scans_the_fast_path_cannot_answer_alone_go_to_flask_with_nothing_counted(app, client, fast, bottled):
    first, second = bottled.bottle(bottled.first), bottled.bottle(bottled.first + 1)
    assert fast.answer(environ(first)) is None  # the lot's page is not kept yet
    assert scans(app) == []
    client.get(first)
    wrong = second[:-1] + ("A" if second[-1] != "A" else "B")  # an altered check code
    beyond = bottled.bottle(bottled.last + 1)
    for refused in (environ(wrong), environ(beyond), environ(second, query="linkType=all"),
                    environ(second, cookie="session=abc"), environ(second, cookie="lang=fr"),
                    environ(second, method="HEAD"), environ(second, query="lang=fr")):
        assert fast.answer(refused) is None, refused
    assert scans(app) == [(bottled.first, 1)]
    # Through the whole stack they get Flask's answers: the wrong ones 404.
    assert client.get(wrong).status_code == 404
    assert client.get(beyond).status_code == 404
    assert scans(app) == [(bottled.first, 1)]


def test_a_recomputed_story_is_never_answered_from_the_old_page(app, client, fast, world, bottled):
    """A quality test after bottling rewrites the lot's story: the kept page is
    out of date, so the fast path hands the scan to Flask uncounted, and Flask
    renders the new page and counts the scan once."""
    first, second = bottled.bottle(bottled.first), bottled.bottle(bottled.first + 1)
    client.get(first)
    with db_session(app) as session:
        chain.quality(session, world, oil=chain.lot_by_code(session, bottled.built.oil.code), acid=1_234,
                      on=chain.BOTTLED_ON)
    assert fast.answer(environ(second)) is None
    assert scans(app) == [(bottled.first, 1)]
    html = page(client.get(second))
    assert "1.234" in html
    assert scans(app) == [(bottled.first, 1), (bottled.first + 1, 1)]
    assert "1.234" in fast.answer(environ(first)).decode()  # the new page is kept
    assert scans(app) == [(bottled.first, 2), (bottled.first + 1, 1)]


def test_scans_after_the_databases_connections_were_lost_are_answered_and_counted_once(app, client, bottled):
    """A database restart ends the server processes of pooled connections."""
    engine = app.extensions["oilchain.scan_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: an embedded SQLite file has no server to restart (CI runs the suite on both)")
    client.get(bottled.bottle(bottled.first))
    pooled = [engine.connect() for _ in range(3)]
    pids = [connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() for connection in pooled]
    for connection in pooled:
        connection.close()  # back to the pool
    with app.extensions["oilchain.engine"].connect() as admin:
        for pid in pids:
            admin.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    for n in range(1, 5):
        response = client.get(bottled.bottle(bottled.first + n))
        assert response.status_code == 200, page(response)
        assert "正品码" in page(response)  # no cookie, no query: the default language, Chinese
    assert scans(app) == [(bottled.first + n, 1) for n in range(5)]


def test_a_path_that_is_not_ascii_goes_to_flask(app, client, fast, bottled):
    """gunicorn hands the path over as Latin-1; Flask decodes it as UTF-8.
    `ß`.upper() is `SS`: a serial spelled with it is not the genuine one."""
    client.get(bottled.bottle(bottled.first))
    for number in range(bottled.first, bottled.last + 1):
        genuine = codes.serial_text(KEY, bottled.gtin, bottled.lot, number)
        if "SS" in genuine:
            break
    else:
        raise AssertionError("no serial of the lot has SS in it: the test needs a larger lot")
    address = f"/01/{bottled.gtin}/10/{bottled.lot}/21/" + genuine.replace("SS", "\xdf", 1)
    assert fast.answer(environ(address)) is None
    assert scans(app) == [(bottled.first, 1)]


def test_a_signed_in_users_scan_with_a_language_query_goes_to_flask(app, client, auth, world, fast, bottled):
    """Flask-Login looks after a signed-in session on every request it sees."""
    client.get(bottled.bottle(bottled.first) + "?lang=en")
    assert fast.answer(environ(bottled.bottle(bottled.first + 1), query="lang=en", cookie="lang=en")) is not None
    assert fast.answer(environ(bottled.bottle(bottled.first + 2), query="lang=en", cookie="session=abc")) is None
    assert fast.answer(environ(bottled.bottle(bottled.first + 2), query="lang=en", cookie="lang=en; session=abc")) is None


@pytest.mark.parametrize("accept, cookie, html_lang", [
    ("en-US,en;q=0.9", "", "en"), ("fr-FR", "", "zh-CN"), ("en-US,en;q=0.9", "lang=zh_CN", "zh-CN"),
])
def test_the_fast_path_reads_the_browsers_language_as_flask_does(app, client, fast, bottled, accept, cookie, html_lang):
    """No ?lang= and no choice in a cookie: the browser's Accept-Language,
    the same in front of Flask as in it (i18n.browser_language)."""
    headers = {"Accept-Language": accept}
    if cookie:
        client.set_cookie(*cookie.split("="))
    by_flask = page(client.get(bottled.bottle(bottled.first), headers=headers))
    assert f'<html lang="{html_lang}">' in by_flask
    request = environ(bottled.bottle(bottled.first + 1), cookie=cookie)
    request["HTTP_ACCEPT_LANGUAGE"] = accept
    answered = fast.answer(request)
    assert answered is not None and f'<html lang="{html_lang}">' in answered.decode()
