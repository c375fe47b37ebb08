"""A product's photo for its consumer pages: uploaded by its processor,
checked and made small here with Pillow, stored in the database
(`ProductPhoto`: web processes stay stateless, backups hold it) and served
as its own long-cached image named by its digest (public/media.py).

What is refused, each with its message next to the field and nothing
stored: a file that is not a JPEG, PNG or WebP image (Pillow must read its
header and decode it whole), one over MAX_BYTES, and one whose pixels would
be too many to decode (an "image bomb": a small file of huge dimensions),
judged from the header before any pixel is decoded, with Pillow's own
decompression-bomb guard as a second line."""

import hashlib
import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from .. import clock, events
from ..admin.services import audit
from ..errors import Forbidden, Invalid, NotFound
from .models import Product, ProductPhoto

MAX_BYTES = 8 * 1024 * 1024  # a phone's photo, as taken
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; far beyond it is a bomb
FORMATS = ("JPEG", "PNG", "WEBP")
SIDE = 720  # the longer side as stored: twice the 360 px phone page's width
QUALITY = 80


def make_small(data: bytes) -> tuple[bytes, int, int]:
    """The image in `data`, upright (its EXIF orientation applied), at most
    SIDE pixels on its longer side, as a JPEG: (bytes, width, height).
    Raises Invalid for what it refuses."""
    if not data:
        raise Invalid(_l("Choose a photo to upload."), field="photo")
    if len(data) > MAX_BYTES:
        raise Invalid(_l("This file is too large: a photo may have at most %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)),
                      field="photo")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own pixel limit and refuses at twice it: either is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Invalid(_l("This image has too many pixels (%(w)s x %(h)s): at most %(mp)s million.",
                                     w=width, h=height, mp=MAX_PIXELS // 1_000_000), field="photo")
                image.load()
                picture = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(_l("This image has too many pixels (%(w)s x %(h)s): at most %(mp)s million.",
                         w="?", h="?", mp=MAX_PIXELS // 1_000_000), field="photo") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # Not an image Pillow reads, or one cut short or damaged.
        raise Invalid(_l("This file is not a photo: upload a JPEG, PNG or WebP image."), field="photo") from None
    picture.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue(), picture.width, picture.height


def save_photo(session: Session, *, actor, product_id: int, data: bytes) -> ProductPhoto:
    """The processor's photo of its product, replacing any before it."""
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(_l("No such product."))
    if actor.role != "processor" or product.org_id != actor.org_id:
        raise Forbidden(_l("Only the product's processor uploads its photo."))
    image, width, height = make_small(data)
    photo = session.get(ProductPhoto, product_id) or ProductPhoto(product_id=product_id, image=b"", content_type="",
                                                                   width=0, height=0, digest="")
    photo.image, photo.content_type, photo.width, photo.height = image, "image/jpeg", width, height
    photo.digest = hashlib.sha256(image).hexdigest()
    photo.uploaded_by = actor.user_id
    photo.uploaded_at = clock.utcnow()
    session.add(photo)
    session.flush()
    audit(session, user_id=actor.user_id, action="product_photo", entity="product", entity_id=product_id,
          digest=photo.digest, width=width, height=height)
    events.publish(session, events.PageFactsChanged(product_id=product_id))
    return photo


def remove_photo(session: Session, *, actor, product_id: int) -> None:
    product = session.get(Product, product_id)
    if product is None or actor.role != "processor" or product.org_id != actor.org_id:
        raise Forbidden(_l("Only the product's processor uploads its photo."))
    photo = session.get(ProductPhoto, product_id)
    if photo is not None:
        session.delete(photo)
        audit(session, user_id=actor.user_id, action="product_photo_removed", entity="product", entity_id=product_id)
        events.publish(session, events.PageFactsChanged(product_id=product_id))
