"""A product's photo (processing/photos.py, processing/photo_views.py, and
its public image in public/media.py): uploaded by the product's processor,
made small with Pillow, stored in the database, served as its own image
cached for a year; a file that is not an image, too large, or an image bomb
is refused with its message next to the field and nothing stored."""

import io
import random

import pytest
from PIL import Image
from sqlmodel import select

from oilchain.errors import Invalid
from oilchain.processing import photos
from oilchain.processing.models import ProductPhoto

from .. import chain
from ..chain import db_session
from ..http import page, refuse


def png(size=(1600, 1200), mode="RGB", color=(214, 160, 38)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def product(app, world):
    with db_session(app) as session:
        made = chain.product(session, world)
        session.commit()
        return made.id


def url(product_id: int, lang: str = "?lang=en") -> str:
    return f"/processing/products/{product_id}/photo{lang}"


def upload(data: bytes, name: str = "bottle.png") -> dict:
    return {"photo": (io.BytesIO(data), name)}


def stored(app) -> list[ProductPhoto]:
    with db_session(app) as session:
        return list(session.exec(select(ProductPhoto)))


def test_a_photo_is_made_small_stored_and_served_cached_by_its_digest(app, client, auth, product):
    auth.login("processor")
    response = auth.post(url(product), upload(png((2400, 1800))))
    assert response.status_code == 303
    [photo] = stored(app)
    assert (photo.width, photo.height, photo.content_type) == (photos.SIDE, 540, "image/jpeg")
    assert Image.open(io.BytesIO(photo.image)).format == "JPEG" and len(photo.image) < 100_000
    served = client.get(f"/photos/{product}/{photo.digest}.jpg")
    assert served.status_code == 200 and served.data == photo.image and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["ETag"] == f'"{photo.digest}"'
    again = client.get(f"/photos/{product}/{photo.digest}.jpg", headers={"If-None-Match": f'"{photo.digest}"'})
    assert again.status_code == 304 and again.data == b""
    old = client.get(f"/photos/{product}/{'0' * 64}.jpg")  # a page rendered before the photo changed
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/photos/{product}/{photo.digest}.jpg")
    assert client.get(f"/photos/{product + 999}/{photo.digest}.jpg").status_code == 404
    assert photo.digest in page(client.get(url(product)))  # the processor sees what consumers see


def test_a_new_photo_replaces_the_old_and_remove_takes_it_away(app, auth, product):
    auth.login("processor")
    auth.post(url(product), upload(png(color=(10, 10, 10))))
    first = stored(app)[0].digest
    auth.post(url(product), upload(png(color=(200, 20, 20))))
    [photo] = stored(app)
    assert photo.digest != first
    assert auth.post(url(product, "/remove")).status_code == 303
    assert stored(app) == []


def test_a_file_that_is_not_an_image_is_refused(app, auth, product):
    auth.login("processor")
    refuse(app, auth, url(product), upload(b"%PDF-1.4 not a photo at all", "label.pdf"),
           "This file is not a photo: upload a JPEG, PNG or WebP image.", field="photo")
    cut = png()[:200]  # an image's header, cut short
    refuse(app, auth, url(product), upload(cut), "This file is not a photo", field="photo")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    refuse(app, auth, url(product), upload(gif.getvalue(), "x.gif"), "This file is not a photo", field="photo")
    assert stored(app) == []


def test_a_file_too_large_is_refused(app, auth, product):
    auth.login("processor")
    with pytest.raises(Invalid, match="too large"):
        photos.make_small(b"\x89PNG" + b"\0" * photos.MAX_BYTES)
    # Over the request's limit: refused before the body is read.
    refuse(app, auth, url(product), upload(b"\0" * (photos.MAX_BYTES + 100_000)),
           "This file is too large: a photo may have at most 8 MB.", status=413, field="photo")
    assert stored(app) == []


def test_an_image_bomb_is_refused_before_its_pixels_are_decoded(app, auth, product):
    auth.login("processor")
    # 8000 x 8000 = 64 million pixels in a few kB: over our limit, under Pillow's own.
    bomb = png((8000, 8000), mode="1", color=0)
    assert len(bomb) < 100_000
    refuse(app, auth, url(product), upload(bomb), "This image has too many pixels (8000 x 8000)", field="photo")
    # 15000 x 15000: past Pillow's decompression-bomb guard, which refuses it on opening.
    huge = png((15000, 15000), mode="1", color=0)
    refuse(app, auth, url(product), upload(huge), "This image has too many pixels", field="photo")
    assert stored(app) == []


def test_only_the_products_processor_uploads_its_photo(app, auth, world, product):
    auth.login("processor2")
    response = auth.post(url(product), upload(png()))
    assert response.status_code in (403, 404)
    assert stored(app) == []


def test_a_photo_larger_than_the_apps_request_limit_is_taken(app, auth, product):
    """A phone's photo of a few MB, past OILCHAIN_MAX_REQUEST_KB (1 MB here): the photo's page has its own limit."""
    noise = io.BytesIO()
    Image.frombytes("RGB", (1100, 1000), random.Random(7).randbytes(1100 * 1000 * 3)).save(noise, "PNG")
    assert len(noise.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    auth.login("processor")
    assert auth.post(url(product), upload(noise.getvalue())).status_code == 303
    assert stored(app)[0].width == photos.SIDE
