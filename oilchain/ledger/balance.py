"""Mass balance: a transformation's inputs equal its outputs plus loss, and
each output's share of the input lies inside its yield bounds (data). The
arithmetic is one pure function (`balance`) of plain values, which the
county generator uses too, so bulk data cannot drift from the ledger's rule."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from ..errors import Invalid, Label
from ..errors import Message as _l
from ..units import g_to_kg, normalized, show_quantity
from .models import YieldBound

LOSS = "loss"  # the share that left the chain, bounded like an output
# Ingredients from outside the chain, bounded per mille of the traced inputs:
# a step without an "untraced" bound takes none (one gram of cake cannot
# carry a tonne of compost).
UNTRACED = "untraced"


@dataclass(frozen=True)
class Outside:
    """A balance that does not close: `kind` is None when the outputs weigh
    more than the inputs, else the output (or LOSS) outside its bounds."""

    kind: str | None
    amount: int
    bounds: tuple[int, int] | None = None  # per mille


def balance(total_in: int, outputs: list[tuple[str, int]], bounds: dict[str, tuple[int, int]],
            untraced: int = 0) -> tuple[int, Outside | None]:
    """(loss, None) when inputs = outputs + loss closes inside every bound
    (per mille of the input, exact integers), else (loss, what is outside).
    `total_in` holds the `untraced` ingredients, which may be at most their
    bound's share of the traced inputs."""
    loss = total_in - sum(amount for _, amount in outputs)
    if untraced:
        high = bounds.get(UNTRACED, (0, 0))[1]
        if untraced * 1000 > high * (total_in - untraced):
            return loss, Outside(UNTRACED, untraced, (0, high))
    if loss < 0:
        return loss, Outside(None, -loss)
    for kind, amount in [*outputs, (LOSS, loss)]:
        low, high = bounds.get(kind, (0, 1000))
        if not low * total_in <= amount * 1000 <= high * total_in:
            return loss, Outside(kind, amount, (low, high))
    return loss, None


def yield_bounds(session: Session, step: str) -> dict[str, tuple[int, int]]:
    return {b.output_kind: (b.min_permille, b.max_permille)
            for b in session.exec(select(YieldBound).where(YieldBound.step == step))}


def check_balance(session: Session, step: str, inputs, outputs, untraced: int = 0) -> int:
    """Return the loss that closes the balance, or refuse the transformation
    with the numbers (beside the output that is outside its bounds).
    `untraced` ingredients count with the inputs: inputs + untraced =
    outputs + loss, each share of that whole."""
    total_in = sum(amount for _, amount in inputs) + untraced
    if not inputs or total_in <= untraced:
        raise Invalid(_l("Choose at least one input lot and a quantity."), field="inputs")
    unit = inputs[0][0].unit
    loss, outside = balance(total_in, [(spec.kind, spec.balance_amount) for spec in outputs], yield_bounds(session, step),
                            untraced)
    if outside is None:
        return loss
    if outside.kind == UNTRACED:
        traced = total_in - untraced
        raise Invalid(
            _l("The untraced ingredients (%(amount)s) are %(share)s%% of the %(traced)s of traced inputs, above the "
               "plausible %(high)s%% for this step.",
               amount=show_quantity(untraced, unit), share=normalized(round_share(untraced, traced)),
               traced=show_quantity(traced, unit), high=normalized(g_to_kg(outside.bounds[1] * 100))),
            field="untraced",
        )
    if outside.kind is None:
        raise Invalid(
            _l("The outputs (%(out)s) weigh more than the inputs (%(in)s).",
               out=show_quantity(total_in - loss, unit), **{"in": show_quantity(total_in, unit)}),
            field=outputs[0].field if outputs else None,
        )
    low, high = outside.bounds
    raise Invalid(
        _l(
            "%(what)s of %(amount)s is %(share)s%% of the %(total)s put in, outside the plausible %(low)s%%–%(high)s%%.",
            what=Label("lot_kind", outside.kind),
            amount=show_quantity(outside.amount, unit),
            share=normalized(round_share(outside.amount, total_in)),
            total=show_quantity(total_in, unit),
            low=normalized(g_to_kg(low * 100)),
            high=normalized(g_to_kg(high * 100)),
        ),
        field=next((spec.field for spec in outputs if spec.kind == outside.kind), None),
    )


def round_share(amount: int, total: int):
    """amount/total as a percentage with one decimal, exactly (no floats)."""
    return (Decimal(amount) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
