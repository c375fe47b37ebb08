"""The nursery's dispatch form through the HTTP client: a batch past the
age limit stays, and a dispatch names a plot or an outside buyer, not both.
Every refusal is a 422 naming the batch and the rule, and writes nothing."""

import pytest

from .. import chain
from ..chain import db_session
from ..http import redirected_to, refuse

pytestmark = pytest.mark.usefixtures("english")


def test_a_batch_older_than_the_dispatch_age_limit_is_not_dispatched(app, auth, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)  # started 2020-03-10
    auth.login("nursery")
    form = {"batch_code": batch.code, "grade": "1", "quantity": "100", "plot_id": world.plots["mawang"].id,
            "destination": "", "occurred_on": "2023-03-20"}
    refuse(app, auth, "/nursery/dispatch", form,
           f"Batch {batch.code} was started on 2020-03-10: on 2023-03-20 it is 1105 days old, past the limit of 1095 days")
    assert redirected_to(auth.post("/nursery/dispatch", {**form, "occurred_on": "2023-03-01"}))


def test_a_dispatch_names_a_plot_or_an_outside_buyer_not_both(app, auth, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)
    auth.login("nursery")
    refuse(app, auth, "/nursery/dispatch",
           {"batch_code": batch.code, "grade": "1", "quantity": "100", "plot_id": world.plots["mawang"].id,
            "destination": "贵州省铜仁市某合作社", "occurred_on": "2021-02-20"},
           "Choose a plot in the county or name a buyer outside it, not both.")
