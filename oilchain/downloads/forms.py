"""Asking for a document made in the background."""

from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, CountField, Form, TextField

SERIAL_MAX = 99_999_999  # a serial's number has 8 digits


class DocumentForm(Form):
    kind = ChoiceField(_l("Document"), coerce=str)
    code = TextField(_l("Product lot code"), 40, required=False)
    first = CountField(_l("First serial"), low=0, high=SERIAL_MAX, required=False)
    last = CountField(_l("Last serial"), low=0, high=SERIAL_MAX, required=False)
    dispatch = CountField(_l("Dispatch"), low=1, required=False)
    year = CountField(_l("Year"), low=2000, high=2100, required=False)

    def parameters(self) -> dict:
        if self.kind.data == "year_report":
            return {"year": self.year.data}
        params = {"code": (self.code.data or "").strip(), "first": self.first.data, "last": self.last.data}
        if self.kind.data == "seedling_labels":
            params["dispatch"] = self.dispatch.data
        return params
