"""Languages: Chinese by default, English on request. Strings in the code are
English message ids; translations/zh_CN holds their Chinese."""

import json

from babel import Locale
from flask import has_request_context, request
from flask_babel import Babel, format_decimal, get_locale, gettext
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from . import clock, errors, labels, pinyin
from .resources import PACKAGE_DIR
from .units import centimu_to_mu, fen_to_yuan, from_base, g_to_kg, normalized

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"


# Babel reads zh_CN as zh_Hans_CN (CLDR adds the script), so the Chinese
# catalogue lives in translations/zh_Hans_CN.
LOCALES = {"zh_CN": Locale.parse("zh_CN"), "en": Locale.parse("en")}


def select_locale() -> Locale:
    """An explicit ?lang=, then this browser's (this tablet's) choice, kept in
    a long-lived cookie, then the signed-in user's saved choice (a device
    where nobody chose yet), then the browser's Accept-Language, then
    Chinese (also outside a request: the CLI, the scheduler). The device
    comes before the user: people share a login, or a tablet, and a
    member signing in on a tablet keeps the language the tablet shows. A
    cookie or ?lang= that names no language of ours is ignored."""
    if not has_request_context():
        return LOCALES[DEFAULT_LOCALE]
    for choice in (request.args.get("lang"), request.cookies.get(LANG_COOKIE), getattr(current_user, "locale", None),
                   browser_language()):
        if choice in LOCALES:
            return LOCALES[choice]
    return LOCALES[DEFAULT_LOCALE]


def browser_language(header: str | None = None) -> str | None:
    """The browser's preferred language of ours by its Accept-Language
    (`header`, or the request's), or None when it names none of ours."""
    accepted = parse_accept_header(request.headers.get("Accept-Language") if header is None else header, LanguageAccept)
    best = accepted.best_match(["zh-CN", "zh", "en"])
    return None if best is None else ("en" if best == "en" else "zh_CN")


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    Babel(app, locale_selector=select_locale)
    errors.install(gettext, labels.display)  # how the ledger's messages are put into words
    app.jinja_env.filters.update(
        kg=format_kg,
        metric=format_metric,
        fromjson=lambda text: json.loads(text or "{}"),
        day=format_day,
        mu=format_mu,
        yuan=format_yuan,
        count=format_count,
        permille=format_permille,
        local_time=format_local_time,
        quantity=format_quantity,
        coord=lambda e6: normalized(from_base(e6, 6)),
        lab=lambda milli: normalized(from_base(milli, 3)),
        tenths=lambda value: normalized(from_base(value, 1)),
        named=with_pinyin,
    )
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_locale=current_locale)


def current_locale() -> str:
    """The request's language as one of LANGUAGES' keys."""
    return DEFAULT_LOCALE if get_locale().language == "zh" else "en"


def with_pinyin(name) -> str:
    """A place's or an organization's name as the page shows it: on the
    English page with its pinyin beside it (oilchain/pinyin.py), in Chinese
    as it is."""
    if not name or current_locale() != "en":
        return name or ""
    spelled = pinyin.romanized(name)
    if not spelled:
        return name
    return Markup('{} <span class="py" lang="zh-Latn-pinyin">{}</span>').format(name, spelled)


def _decimal(value, decimals: int) -> str:
    return format_decimal(value, format="#,##0." + "#" * decimals) if decimals else format_decimal(value, "#,##0")


def format_kg(grams) -> str:
    return "" if grams is None else _decimal(g_to_kg(grams), 3)


def format_mu(centimu) -> str:
    return "" if centimu is None else _decimal(centimu_to_mu(centimu), 2)


def format_yuan(fen) -> str:
    return "" if fen is None else format_decimal(fen_to_yuan(fen), format="#,##0.00")


def format_count(number) -> str:
    return "" if number is None else _decimal(number, 0)


def format_permille(value) -> str:
    """Per mille as a percentage with one decimal, in the reader's locale
    (1000 -> 100.0%); "—" for nothing."""
    return "—" if value is None else format_decimal(from_base(value, 1), format="#,##0.0") + "%"


def format_quantity(amount, unit: str) -> str:
    """A lot quantity with its unit, in the reader's language."""
    from flask_babel import gettext as _

    if unit == "g":
        return format_kg(amount) + " " + _("kg")
    if unit == "plant":
        return format_count(amount) + " " + _("plants")
    if unit == "unit":
        return format_count(amount) + " " + _("units")
    return f"{amount} {unit}"


def format_metric(value, unit: str) -> str:
    """A target or actual with its unit: tonnes, mu, yuan, plants, a share
    (per mille, shown as a percentage) or a count."""
    from flask_babel import gettext as _

    if value is None:
        return "—"
    if unit == "permille":
        return format_permille(value)
    if unit == "g":
        return _decimal(from_base(value, 6), 3) + " " + _("t")
    if unit == "centimu":
        return format_mu(value) + " " + _("mu")
    if unit == "fen":
        return "¥" + format_yuan(value)
    if unit == "plant":
        return format_count(value) + " " + _("plants")
    return format_count(value)


def chart_value(value: int, unit: str) -> int:
    """A bar's height in the unit its chart names (kg, mu, yuan, plants)."""
    return {"g": value // 1000, "centimu": value // 100, "fen": value // 100}.get(unit, value)


def chart_unit(unit: str) -> str:
    from flask_babel import gettext as _

    return {"g": _("kg"), "centimu": _("mu"), "fen": _("yuan"), "plant": _("plants")}.get(unit, "")


def format_period(year: int, month: int | None) -> str:
    """2025年11月 / Nov 2025, or the year alone."""
    from datetime import date

    from babel.dates import format_skeleton

    if month is None:
        return str(year)
    return format_skeleton("yMMM", date(year, month, 1), locale=get_locale())


def format_day(day) -> str:
    """A calendar day in the reader's language: 2025年12月8日 / Dec 8, 2025."""
    from datetime import date

    from flask_babel import format_date

    if isinstance(day, str):  # stored stories keep ISO dates
        day = date.fromisoformat(day) if day else None
    return "" if day is None else format_date(day, "medium")


def format_local_time(stored_utc, locale: Locale | None = None) -> str:
    """A stored moment in county time, in the reader's language (or `locale`)."""
    from babel.dates import format_date

    if stored_utc is None:
        return ""
    moment = clock.to_county(stored_utc)
    return f"{format_date(moment.date(), 'medium', locale=locale or get_locale())} {moment:%H:%M}"
