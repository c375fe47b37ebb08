"""What the trace package's tests share: starting a recall over HTTP."""

import re

from ..http import page


def start(auth, **fields) -> int:
    """POST a new recall as the signed-in user; its id."""
    response = auth.post("/recalls", fields)
    assert response.status_code == 303, page(response)[-2000:]
    match = re.fullmatch(r"/recalls/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))
