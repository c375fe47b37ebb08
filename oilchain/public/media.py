"""What the consumer pages show besides the stored story: the product's
photo (served here as its own image, named by its digest, cached for a
year), the lot's map (public/storymap.py), and the people to reach: the
producer's phone and address, and the forestry bureau's hotline (the
bureau organization's phone), all data an admin edits.

`consumer_extras(level)` is what the lot's part of the page
(templates/public/_facts.html) reads of them: the bottle page renders it
once per lot and language (public/scan.py's Cards, again when an edit of
them raises the lots' `story_version`: events.PageFactsChanged), the lot
page on each request."""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlmodel import Session, select

from .. import db
from ..i18n import current_locale
from ..auth.models import Organization
from ..processing.models import ProductPhoto
from .storymap import story_map as draw_map

bp = Blueprint("media", __name__)
YEAR = 365 * 24 * 3600


def contacts(session: Session, processor_id: int) -> dict:
    """The producer's phone and address, and the bureau's hotline."""
    producer = session.get(Organization, processor_id)
    bureau = session.exec(select(Organization).where(Organization.kind == "bureau").order_by(Organization.id)).first()
    return {
        "phone": producer.phone if producer else None,
        "address": producer.address if producer else None,
        "bureau": bureau.name if bureau else None,
        "hotline": bureau.phone if bureau else None,
    }


def photo_of(session: Session, product_id: int) -> dict | None:
    """The photo's URL and size, without its bytes."""
    row = session.exec(
        select(ProductPhoto.digest, ProductPhoto.width, ProductPhoto.height).where(ProductPhoto.product_id == product_id)
    ).first()
    if row is None:
        return None
    digest, width, height = row
    return {"url": url_for("media.photo", product_id=product_id, digest=digest), "width": width, "height": height}


def consumer_extras(level, session: Session | None = None) -> dict:
    session = session or db.session()
    return {"contact": contacts(session, level.processor.id), "photo": photo_of(session, level.product.id)}


@bp.route("/photos/<id:product_id>/<digest>.jpg")
def photo(product_id: int, digest: str):
    """The product's photo. Its URL holds its digest, so the answer never
    changes: cached for a year (immutable), with the digest as its ETag. An
    older digest (a page rendered before a new photo) goes to the current
    one."""
    found = db.session().get(ProductPhoto, product_id)
    if found is None:
        abort(404)
    if found.digest != digest:
        return redirect(url_for("media.photo", product_id=product_id, digest=found.digest), 302)
    response = current_app.response_class(found.image, mimetype=found.content_type)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.set_etag(found.digest)
    return response.make_conditional(request)


@bp.app_template_global()
def story_map(story, title: str):
    return draw_map(story, current_locale() == "en", title)


@bp.app_template_global("consumer_extras")
def consumer_extras_global(level):
    return consumer_extras(level)
