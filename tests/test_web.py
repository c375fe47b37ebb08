"""What every view shares (oilchain/web.py): ids in addresses are database
ids a BIGINT can hold, anything beyond is a 404, never an overflow; a page
number beyond the last answers the last page."""

import pytest

from .chain import nothing_written

pytestmark = pytest.mark.usefixtures("english_services")  # pages and services in English


def test_ids_and_pages_beyond_a_bigint_answer_404_or_the_last_page(app, auth, world):
    auth.login("coop")
    assert auth.client.get(f"/planting/plots/{2**70}").status_code == 404
    assert auth.client.get(f"/planting/plots/{2**63}").status_code == 404
    with nothing_written(app):
        assert auth.post(f"/events/{2**70}/reverse", {"lot": "YY-H25-000001", "reason": "录错"}).status_code == 404
    assert auth.client.get(f"/lots?page={2**62}").status_code == 200
    auth.login("bureau")
    assert auth.client.get(f"/reports/archive/{2**70}.pdf").status_code == 404
