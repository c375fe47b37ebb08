"""The field app's outbox in Chromium (see tests/test_browser.py): a tablet
back from days in the hills with more entries than one request takes, one of
them refused by the server and one too large to send at all, gets every
good entry through, in batches the server accepts."""

import json

import pytest

from ..test_browser import SYNC, field_records, new_context, open_field, sign_in, wait_until  # noqa: F401 (fixture)

WAITING = 120  # more than two batches of the page's SYNC_BATCH (50)
REFUSED_AT, TOO_LARGE_AT = 17, 73

FILL_OUTBOX = """([count, plotId, refusedAt, tooLargeAt]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("oilchain-field", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("entries", "readwrite");
    const store = tx.objectStore("entries");
    for (let i = 0; i < count; i++) {
      store.put({
        uuid: crypto.randomUUID(), recorded_at: new Date().toISOString(), plot_id: plotId, plot_name: "老屋基",
        weight: i === tooLargeAt ? "1".repeat(2000000) : "10.5", pickers: i === refusedAt ? 5000 : 3,
        harvested_on: new Date().toISOString().slice(0, 10), state: "pending", reason: null, field: null, order: i,
      });
    }
    tx.oncomplete = () => resolve(count);
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


def test_an_outbox_past_one_batch_with_poisoned_entries_gets_every_good_entry_through(
        app, world, live_server, new_context, browser):
    live_server.start()
    page = new_context(browser).new_page()
    sign_in(page, "coop")
    open_field(page)
    batches = []
    page.on("request", lambda request: batches.append(request.post_data or "") if request.url.endswith(SYNC) else None)
    page.evaluate(FILL_OUTBOX, [WAITING, world.plots["mawang"].id, REFUSED_AT, TOO_LARGE_AT])
    page.evaluate("window.oilchainField.sync()")

    wait_until(lambda: len(field_records(app)) == WAITING - 2, timeout=90, message="every good entry recorded")
    wait_until(lambda: all(e["state"] != "pending" for e in page.evaluate("window.oilchainField.allEntries()")),
               message="no entry left waiting")
    outbox = {e["order"]: e for e in page.evaluate("window.oilchainField.allEntries()")}
    assert outbox[REFUSED_AT]["state"] == "refused" and "At most 1000 pickers" in outbox[REFUSED_AT]["reason"]
    assert outbox[TOO_LARGE_AT]["state"] == "refused" and "too large to send" in outbox[TOO_LARGE_AT]["reason"]
    sent = {i for i, e in outbox.items() if e["state"] == "sent"}
    assert sent == set(range(WAITING)) - {REFUSED_AT, TOO_LARGE_AT}
    assert {e["lot_code"] for i, e in outbox.items() if i in sent} == {code for _u, code, _g, _p in field_records(app)}

    # Every request carried at most one batch; the batch with the entry too
    # large to send went again one entry at a time. The outbox is read in its
    # keys' (random UUIDs') order, so that entry may fall in the last, short
    # batch (120 = 50 + 50 + 20): at least 19 of the others went alone.
    sizes = [len(json.loads(body)["entries"]) for body in batches if len(body) < 1_000_000]
    assert max(sizes) == 50 and sizes.count(1) >= WAITING % 50 - 1


@pytest.mark.parametrize("status, requests", [(503, 1), (500, 1 + 3)], ids=["proxy-down", "server-failing"])
def test_a_server_that_is_down_costs_a_few_requests_and_loses_no_entry(
        app, world, live_server, new_context, browser, status, requests):
    """While the server is down the outbox waits whole: a proxy's 503 ends
    the round at once; 500s end it after the failing batch and three single
    entries in a row, not one request per entry."""
    live_server.start()
    page = new_context(browser).new_page()
    sign_in(page, "coop")
    open_field(page)
    sent = []

    def down(route):
        sent.append(route.request.url)
        route.fulfill(status=status, body="down")

    page.route(f"**{SYNC}", down)
    page.evaluate(FILL_OUTBOX, [WAITING, world.plots["mawang"].id, -1, -1])
    page.evaluate("window.oilchainField.sync()")  # the promise of the whole round
    assert len(sent) == requests
    assert all(e["state"] == "pending" for e in page.evaluate("window.oilchainField.allEntries()"))
    assert field_records(app) == []
