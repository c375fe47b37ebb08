"""Configuration from the environment (OILCHAIN_*), with a development default
that runs from a checkout or an installed package in any folder."""

import os
import socket

from .units import NotExact, to_base

DEV_SECRET = "dev-only-not-secret"
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says how to fix it."""


def from_environment(instance_path: str, environ=os.environ) -> dict:
    env = environ.get("OILCHAIN_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"OILCHAIN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secret = secret_key(env, environ)
    public_base_url = required_in_production(env, environ, "OILCHAIN_PUBLIC_BASE_URL",
                                             "the address printed on every QR code (for example https://trace.example.cn)")
    public_base_url = public_base_url.rstrip("/")
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
        # `oilchain backup` and the nightly job write here; the job keeps the
        # newest backup of each of the last KEEP_DAILY days and KEEP_WEEKLY weeks.
        "BACKUP_DIR": environ.get("OILCHAIN_BACKUP_DIR") or os.path.join(instance_path, "backups"),
        "BACKUP_KEEP_DAILY": whole_number(environ, "OILCHAIN_BACKUP_KEEP_DAILY", "7", 1, 1000),
        "BACKUP_KEEP_WEEKLY": whole_number(environ, "OILCHAIN_BACKUP_KEEP_WEEKLY", "4", 1, 1000),
        # In development, unless set, the address the server is bound to
        # (HOST and PORT, as scripts/start and `oilchain run` use them), never
        # the Host header a request brings.
        "PUBLIC_BASE_URL": public_base_url or bind_base_url(environ.get("HOST", "127.0.0.1"), environ.get("PORT", "5000")),
        "PUBLIC_BASE_URL_FROM_BIND": not public_base_url,
        # How many proxies in front of the app set X-Forwarded-For (and -Proto):
        # the client's address (sign-in throttling, unknown scans) is read
        # that many hops back (werkzeug's ProxyFix); 0 trusts no header.
        "TRUSTED_PROXIES": whole_number(environ, "OILCHAIN_TRUSTED_PROXIES", "0", 0, 5),
        # A request body larger than this is refused (413) before it is read.
        "MAX_CONTENT_LENGTH": 1024 * whole_number(environ, "OILCHAIN_MAX_REQUEST_KB", "1024", 16, 1_048_576),
        # Long documents (downloads/): made by `oilchain worker`, kept on disk this many days.
        "DOCUMENTS_DIR": environ.get("OILCHAIN_DOCUMENTS_DIR") or os.path.join(instance_path, "documents"),
        "DOCUMENTS_KEEP_DAYS": whole_number(environ, "OILCHAIN_DOCUMENTS_KEEP_DAYS", "7", 1, 365),
        # Development without a worker: documents are made inside the request that asks (huey's immediate mode).
        "DOCUMENTS_INLINE": environ.get("OILCHAIN_DOCUMENTS_INLINE", "") in ("1", "true", "yes"),
        # A weighbridge difference beyond this (per mille of the declared weight) needs a reason.
        "RECEIVE_TOLERANCE_PERMILLE": receive_tolerance(environ),
        "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's method for new password hashes
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a tablet all day must still submit
        "WTF_I18N_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    }


def bind_base_url(host: str, port) -> str:
    """The address a server bound to host:port is reached at: a wildcard
    bind is reached at this machine's name's address."""
    if host in ("", "0.0.0.0", "::"):
        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def whole_number(environ, name: str, default: str, low: int, high: int) -> int:
    text = environ.get(name, default)
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {text!r}")
    return int(text)


def secret_key(env: str, environ) -> str:
    secret = environ.get("OILCHAIN_SECRET_KEY", "")
    if env == "production" and (not secret or secret == DEV_SECRET or len(secret) < 16):
        raise ConfigError(
            "OILCHAIN_SECRET_KEY must be set to a long random value in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    return secret


def required_in_production(env: str, environ, name: str, what: str) -> str:
    value = environ.get(name, "").strip()
    if env == "production" and not value:
        raise ConfigError(f"{name} must be set in production: {what}")
    return value


def receive_tolerance(environ) -> int:
    """OILCHAIN_RECEIVE_TOLERANCE_PERCENT in per mille (one decimal of a percent)."""
    tolerance = environ.get("OILCHAIN_RECEIVE_TOLERANCE_PERCENT", "2")
    try:
        permille = to_base(tolerance, 1)
    except NotExact:
        raise ConfigError(f"OILCHAIN_RECEIVE_TOLERANCE_PERCENT must be a percentage with one decimal at most, not {tolerance!r}")
    if not 0 <= permille <= 500:
        raise ConfigError("OILCHAIN_RECEIVE_TOLERANCE_PERCENT must lie between 0 and 50")
    return permille


