"""Domain errors raised by services; views translate them to HTTP answers.

Messages are lazy translatable strings so a service can raise them without a
request, and the page shows them in the reader's language.
"""


class DomainError(Exception):
    status = 422

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)


class Invalid(DomainError):
    """Input that breaks a rule; `field` names the form field it belongs to."""

    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403
