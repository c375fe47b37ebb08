"""Who did something, as every list shows it: a person by their name, or a
system actor (the scheduler, the demo loader, the system at large) by a
label that says it is one, never as if it were a person.

How a system actor is stored (no column of its own):
- a string column naming who did it (`ReportArchive.created_by`) holds
  `system:<key>` for one of SYSTEM_ACTORS' keys (SCHEDULER, DEMO), else a
  person's name. The values written before this rule ("scheduler",
  "oilchain demo") are read as the same system actors: the code reading
  the column passes them through `stored` (LEGACY), so that a person's
  name elsewhere is never taken for one;
- a user id column (`Event.user_id`, `AuditEntry.user_id`) is None when no
  person acted: the list passes None, shown as the system at large.

Templates show both through one filter, `who` (init_app): a name as it is,
a system actor as `<span class="system-actor">系统 · 定时任务</span>`; text
outside HTML (a PDF's "printed by") takes `who_text`."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

PREFIX = "system:"
SCHEDULER, DEMO = PREFIX + "scheduler", PREFIX + "demo"

# Each system actor's key (after PREFIX) and what it is called after "System · ".
SYSTEM_ACTORS = {
    "scheduler": _l("scheduler"),
    "demo": _l("demo data"),
}
# Values stored before system actors had keys.
LEGACY = {"scheduler": "scheduler", "oilchain demo": "demo"}


def stored(value: str) -> str:
    """A stored "who" column's value with the names written before system
    actors had keys read as those keys ("scheduler" -> SCHEDULER)."""
    return PREFIX + LEGACY[value] if value in LEGACY else value


def system_key(value: str | None) -> str | None:
    """The system actor a "who" names: a key of SYSTEM_ACTORS, "" for the
    system at large (None or no name: no person acted; an unknown key), or
    None for a person's name."""
    if not value:
        return ""
    if value.startswith(PREFIX):
        key = value[len(PREFIX):]
        return key if key in SYSTEM_ACTORS else ""
    return None


def who_text(value: str | None) -> str:
    """A person's name, or a system actor's label ("System · scheduler"), as plain text."""
    key = system_key(value)
    if key is None:
        return value
    if not key:
        return _("System")
    return _("System · %(actor)s", actor=SYSTEM_ACTORS[key])


def who(value: str | None) -> Markup:
    """`who_text` for a page: a system actor in a badge of its own."""
    key = system_key(value)
    if key is None:
        return escape(value)
    return Markup('<span class="system-actor" data-system="{}">{}</span>').format(key or "system", who_text(value))


def init_app(app) -> None:
    app.jinja_env.filters.update(who=who, who_text=who_text)
    app.jinja_env.globals.update(SCHEDULER=SCHEDULER)
