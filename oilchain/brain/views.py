"""The brain's pages (/brain/): the blueprint; its pages are in this module
and in the modules create_app imports beside it."""

from flask import Blueprint

bp = Blueprint("brain", __name__, url_prefix="/brain")
