"""The signed-in user as plain values: what every service receives."""

from dataclasses import dataclass

from .models import BUREAU_ROLES


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    org_id: int
    role: str
    username: str = ""
    display_name: str = ""
    org_name: str = ""
    locale: str | None = None
    must_change_password: bool = False

    # Flask-Login's user protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.user_id)

    @property
    def is_bureau(self) -> bool:
        """Managers and admins read everything."""
        return self.role in BUREAU_ROLES
