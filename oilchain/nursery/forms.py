"""The nursery's forms: a batch from sowing or grafting to dispatch."""

from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, CountField, DayField, Form, TextField


class BatchForm(Form):
    variety_id = ChoiceField(_l("Variety"))
    propagation = ChoiceField(_l("Propagation method"), coerce=str)
    seed_source = TextField(_l("Seed source"), 100)
    quantity = CountField(_l("Plants sown or grafted"))
    occurred_on = DayField(_l("Sown or grafted on"))


class GrowingForm(Form):
    code = ChoiceField(_l("Seedling batch"), coerce=str)
    occurred_on = DayField(_l("Date"))


class GradeForm(Form):
    code = ChoiceField(_l("Seedling batch"), coerce=str)
    grade1 = CountField(_l("Grade I"), low=0)
    grade2 = CountField(_l("Grade II"), low=0)
    rejected = CountField(_l("Rejected"), low=0)
    occurred_on = DayField(_l("Graded on"))


class CertifyForm(Form):
    code = ChoiceField(_l("Seedling batch"), coerce=str)
    licence_no = TextField(_l("Production and operation licence no."), 40)
    certificate_no = TextField(_l("Quality certificate no."), 40)
    label_no = TextField(_l("Label no."), 40)
    quarantine_no = TextField(_l("Quarantine certificate no."), 40)
    occurred_on = DayField(_l("Certified on"))


class DispatchForm(Form):
    batch_code = ChoiceField(_l("Seedling batch"), coerce=str)
    grade = ChoiceField(_l("Grade"))
    quantity = CountField(_l("Seedlings"))
    plot_id = ChoiceField(_l("Destination plot in the county"), required=False)
    destination = TextField(_l("Or: buyer and place outside the county"), 200, required=False)
    occurred_on = DayField(_l("Dispatched on"))
