"""Domain errors raised by services; views translate them to HTTP answers.

Messages are lazy: a service raises them without a request, and the page
shows them in the reader's language. Services outside the core use
flask_babel's lazy_gettext; the ledger, which knows no translations, uses
`Message` (an English message id and its values, extracted like `_l`),
whose words and values the display layer renders (`install`, from i18n).
"""


def _as_is(text: str) -> str:
    return text


_translate = _as_is  # message id -> the reader's language
_display = str  # a value (a lot kind, say) -> its display name


def install(translate, display) -> None:
    """How messages are put into words: set by the display layer (i18n.init_app)."""
    global _translate, _display
    _translate, _display = translate, display


class Label:
    """A code shown by its display name (a lot kind, an event kind, a
    status): `of` says which list of names, e.g. Label("lot_kind", "cake")."""

    def __init__(self, of: str, code: str):
        self.of, self.code = of, code

    def __str__(self) -> str:
        return str(_display(self))


class Message:
    """A message as data, put into the reader's words when shown."""

    def __init__(self, text: str, **values):
        self.text, self.values = text, values

    def __str__(self) -> str:
        words = _translate(self.text)
        return words % {name: _display(value) for name, value in self.values.items()} if self.values else words

    def __repr__(self) -> str:
        return f"Message({self.text!r})"


class DomainError(Exception):
    """`field` names the form field the message belongs to; `lot` the lot it
    is about, when the form has a field per lot (its quantity to use)."""

    status = 422

    def __init__(self, message, field: str | None = None, lot: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.lot = lot

    def __str__(self):
        return str(self.message)


class Invalid(DomainError):
    """Input that breaks a rule; `field` names the form field it belongs to."""

    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403
