"""Configuration from the environment (OILCHAIN_*), with a development default
that runs from a checkout or an installed package in any folder."""

import os

from .units import NotExact, to_base

DEV_SECRET = "dev-only-not-secret"
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says how to fix it."""


def from_environment(instance_path: str, environ=os.environ) -> dict:
    env = environ.get("OILCHAIN_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"OILCHAIN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secret = environ.get("OILCHAIN_SECRET_KEY", "")
    if env == "production" and (not secret or secret == DEV_SECRET or len(secret) < 16):
        raise ConfigError(
            "OILCHAIN_SECRET_KEY must be set to a long random value in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    tolerance = environ.get("OILCHAIN_RECEIVE_TOLERANCE_PERCENT", "2")
    try:
        tolerance_permille = to_base(tolerance, 1)
    except NotExact:
        raise ConfigError(f"OILCHAIN_RECEIVE_TOLERANCE_PERCENT must be a percentage with one decimal at most, not {tolerance!r}")
    if not 0 <= tolerance_permille <= 500:
        raise ConfigError("OILCHAIN_RECEIVE_TOLERANCE_PERCENT must lie between 0 and 50")
    database_url = environ.get("OILCHAIN_DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "oilchain.db")
    )
    return {
        "OILCHAIN_ENV": env,
        "SECRET_KEY": secret or DEV_SECRET,
        # Serials printed on bottles are signed with this key; changing it
        # voids every printed code, so it may be kept apart from SECRET_KEY.
        "SERIAL_KEY": environ.get("OILCHAIN_SERIAL_KEY") or secret or DEV_SECRET,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": environ.get("OILCHAIN_PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # A weighbridge difference beyond this (per mille of the declared weight) needs a reason.
        "RECEIVE_TOLERANCE_PERMILLE": tolerance_permille,
        "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's method for new password hashes
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a tablet all day must still submit
        "WTF_I18N_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    }
