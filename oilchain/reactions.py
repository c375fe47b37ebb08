"""What follows from what: the one table of reactions. A reader sees here
everything that a change sets off; the services only say what happened
(oilchain/events.py). Installed by the app factory, so nothing depends on
what happens to be imported.

Reactions run before the transaction commits, in order, in the same
transaction: a refusal rolls the change back. The closing steps run once
the queue is empty.
"""

from . import events, provenance
from .brain.warnings import reactions as warnings
from .byproducts import services as byproducts
from .nursery import services as nursery
from .planting import services as planting
from .processing import services as processing

TABLE = events.Table(
    reactions={
        # A bottled lot gets its origin story and GI status.
        events.Bottled: (provenance.bottled,),
        # A test recorded or withdrawn shows on every bottle made from the oil,
        # and a product lot in stock below its grade is warned of.
        events.QualityTestRecorded: (provenance.quality_changed, warnings.quality_changed),
        events.QualityTestWithdrawn: (provenance.quality_changed, warnings.quality_changed),
        # A grade's limits changed: every bottle's story tells the grade its test reaches now.
        events.GradeLimitsChanged: (provenance.grades_changed,),
        # A sale far from the product's usual prices, a low survival count: warned of at once.
        events.Sold: (warnings.sold,),
        events.SurvivalChecked: (warnings.survival_checked,),
        # The part split off a lot is what the original is (oil of its method, a by-product product).
        events.LotSplit: (processing.part_is_alike, byproducts.part_is_alike),
        # A correction: the nursery's own records follow, and every bottle
        # made downstream of what it touched is told again.
        events.EventReversed: (nursery.undo_grading, nursery.reopen_after_dispatch, provenance.upstream_corrected),
        # The GI's rules or producers: every product lot's GI status is read again.
        events.GIRulesChanged: (provenance.gi_changed,),
        events.GIAuthorizationChanged: (provenance.gi_changed,),
        # A contact, a product's photo or the copied-code thresholds: the bottles' pages are rendered again.
        events.PageFactsChanged: (provenance.page_facts_changed,),
        # A recall's holds: its product lots' GI status says "on hold", or no longer.
        events.RecallOpened: (provenance.holds_changed,),
        events.RecallClosed: (provenance.holds_changed,),
    },
    checks={
        # Asked before a reversal writes anything.
        events.MayReverse: (planting.refuse_reversing_accepted,),
    },
    # The one writer of a product lot's derived state, once per transaction.
    closing=(provenance.write_pending,),
)


def install() -> None:
    events.install(TABLE)
