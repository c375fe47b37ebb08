"""/brain/curves: managers edit the forecast's data (the yield curve, the
renovation effects, the harvest window); each form refuses bad values next
to its field and writes nothing then."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import db
from ..auth.access import BUREAU_ROLES, roles_required
from ..labels import RENOVATION_METHODS, choices
from ..ledger.models import YieldCurve
from ..units import kg_to_g
from ..web import attempt, done
from . import curve_services as services
from . import curves
from .forms import EffectForm, WindowForm, YieldForm
from .models import RenovationEffect
from .views import bp


@bp.route("/curves", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def curves_page():
    session = db.session()
    which = request.form.get("which") if request.method == "POST" else None
    yield_form = YieldForm(prefix="yield", formdata=None if which != "yield" else request.form)
    effect_form = EffectForm(prefix="effect", formdata=None if which != "effect" else request.form)
    window_form = WindowForm(prefix="window", formdata=None if which != "window" else request.form)
    yield_form.group.choices = [(group, group) for group in services.groups(session)]
    effect_form.method.choices = [(code, label) for code, label in choices(RENOVATION_METHODS)
                                  if code in services.EFFECT_METHODS]
    here = url_for("brain.curves_page")
    if which == "yield" and yield_form.validate_on_submit():
        if attempt(yield_form, lambda: services.set_yield(
                session, actor=current_user, group=yield_form.group.data, age_years=yield_form.age_years.data,
                seed_g_per_mu=kg_to_g(yield_form.seed_kg.data))):
            return done(here, _("Yield curve saved."))
    if which == "effect" and effect_form.validate_on_submit():
        if attempt(effect_form, lambda: services.set_effect(
                session, actor=current_user, method=effect_form.method.data, years_since=effect_form.years_since.data,
                permille=effect_form.permille.data)):
            return done(here, _("Renovation effect saved."))
    if which == "window" and window_form.validate_on_submit():
        if attempt(window_form, lambda: services.set_window(session, actor=current_user, text=window_form.points.data)):
            return done(here, _("Harvest window saved."))
    data = curves.load(session)
    if which != "window":
        window_form.points.data = services.window_text(data.window)
    yields = session.execute(select(YieldCurve).order_by(YieldCurve.variety_group, YieldCurve.age_years)).scalars()
    effects = session.execute(select(RenovationEffect).order_by(RenovationEffect.method, RenovationEffect.years_since))
    status = 422 if any(form.has_errors() for form in (yield_form, effect_form, window_form)) else 200
    return render_template("brain/curves.html", yield_form=yield_form, effect_form=effect_form, window_form=window_form,
                           yields=list(yields), effects=list(effects.scalars()), method_label=RENOVATION_METHODS.get), status
