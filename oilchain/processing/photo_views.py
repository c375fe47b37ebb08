"""The processor's page of a product's photo (processing.photos): upload,
see what the consumer page shows, remove. A plain multipart form (a file
does not go through htmx here)."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField

from .. import db
from ..auth.access import roles_required
from ..forms import Form
from ..web import _http_error, attempt, done
from . import photos
from .models import Product, ProductPhoto
from .views import bp

# The request may carry the photo and the form around it; the app's own limit
# (OILCHAIN_MAX_REQUEST_KB) is for everything else.
REQUEST_LIMIT = photos.MAX_BYTES + 64 * 1024


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))


class RemoveForm(Form):
    pass


@bp.url_value_preprocessor
def photo_upload_limit(endpoint, _values):
    """The photo's own request limit, set before anything reads the body (the
    CSRF check, an app-wide before_request, reads the form)."""
    if endpoint == "processing.product_photo":
        request.max_content_length = REQUEST_LIMIT


@bp.errorhandler(413)
def photo_too_large(error):
    """A photo over the limit: its message next to the field, as any refusal."""
    processor = getattr(current_user, "role", None) == "processor"
    if request.endpoint != "processing.product_photo" or not processor:
        return _http_error(error)
    form = PhotoForm(formdata=None)
    form.add_error("photo", _("This file is too large: a photo may have at most %(mb)s MB.",
                              mb=photos.MAX_BYTES // (1024 * 1024)))
    return page(own_product(request.view_args["product_id"]), form, 413)


def own_product(product_id: int) -> Product:
    product = db.session().get(Product, product_id)
    if product is None or product.org_id != current_user.org_id:
        abort(404)
    return product


@bp.route("/products/<id:product_id>/photo", methods=["GET", "POST"])
@roles_required("processor")
def product_photo(product_id: int):
    session = db.session()
    product = own_product(product_id)
    form = PhotoForm()
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.photo.data
            data = upload.read(photos.MAX_BYTES + 1) if upload else b""
            if attempt(form, lambda: photos.save_photo(session, actor=current_user, product_id=product.id, data=data)):
                return done(url_for("processing.product_photo", product_id=product.id),
                            _("The photo of %(name)s is saved.", name=product.name))
        return page(product, form, 422)
    return page(product, form)


@bp.route("/products/<id:product_id>/photo/remove", methods=["POST"])
@roles_required("processor")
def remove_product_photo(product_id: int):
    session = db.session()
    product = own_product(product_id)
    form = RemoveForm()
    if form.validate_on_submit() and attempt(form, lambda: photos.remove_photo(session, actor=current_user,
                                                                                product_id=product.id) or True):
        return done(url_for("processing.product_photo", product_id=product.id),
                    _("The photo of %(name)s is removed.", name=product.name))
    abort(400)


def page(product: Product, form: PhotoForm, status: int = 200):
    found = db.session().get(ProductPhoto, product.id)
    return render_template("processing/photo.html", product=product, form=form, photo=found,
                           remove=RemoveForm(formdata=None), limit_mb=photos.MAX_BYTES // (1024 * 1024)), status
