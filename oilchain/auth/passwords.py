"""Passwords: how they are hashed and checked, and which new ones are taken.

The policy is zxcvbn's (the Python port of Dropbox's estimator, with its
lists of common passwords, names, words and keyboard patterns): a new
password has at least MIN_LENGTH characters and a score of at least
MIN_SCORE (0-4), judged also against the user's own name."""

import secrets

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..errors import Invalid

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash scenario"
MAX_LENGTH = 200  # zxcvbn's time grows with the length; nobody types more
PASSWORD_METHOD = "scrypt"  # werkzeug's default; the setting PASSWORD_HASH_METHOD chooses another

_dummy_hashes: dict[str, str] = {}


def method() -> str:
    """How new passwords are hashed: the app's PASSWORD_HASH_METHOD setting
    (the test suite sets a cheaper work factor), scrypt outside an app."""
    return current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_METHOD) if has_app_context() else PASSWORD_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=method())


def verify(password_hash: str, password: str) -> bool:
    """The one place a password is checked against a hash (tests count its calls)."""
    return check_password_hash(password_hash, password)


def verify_user(user, password: str) -> bool:
    """Check `password` against the user's hash, or, when there is no such
    user or the user may not sign in, against a hash of nothing, made with
    the same method: either way one hash is computed, so an unknown name
    answers in the time a known one does."""
    if user is None or not user.active:
        verify(dummy_hash(), password)
        return False
    return verify(user.password_hash, password)


def dummy_hash() -> str:
    current = method()
    if current not in _dummy_hashes:
        _dummy_hashes[current] = generate_password_hash(secrets.token_urlsafe(16), method=current)
    return _dummy_hashes[current]


def check_policy(password: str, *, field: str = "password", user_inputs: tuple = ()) -> None:
    """Refuse a password that is short or easy to guess, naming `field`."""
    if len(password) < MIN_LENGTH:
        raise Invalid(_l("The password needs at least %(n)s characters.", n=MIN_LENGTH), field=field)
    if len(password) > MAX_LENGTH:
        raise Invalid(_l("The password may have at most %(n)s characters.", n=MAX_LENGTH), field=field)
    if zxcvbn(password, user_inputs=[text for text in user_inputs if text])["score"] < MIN_SCORE:
        raise Invalid(_l("This password is too easy to guess: it is a common password, a word or a simple pattern. "
                         "Choose a longer one, for example a few unrelated words."), field=field)
