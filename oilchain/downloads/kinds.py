"""The kinds of document a job makes, as data: who may ask, how the
parameters are checked (before anything is queued), and how the worker
makes the file, telling its progress as it goes."""

import json
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import attachments
from ..errors import Forbidden, Invalid
from ..processing import labels
from ..processing.services import get_product_lot
from ..reports import printing


@dataclass(frozen=True)
class Plan:
    """What a checked request will make."""

    title: str  # in the requester's language
    total: int  # steps the progress counts (labels, rows, pages)
    download_name: str
    mimetype: str


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy translatable name
    check: Callable  # (session, actor, params) -> Plan; raises a DomainError
    make: Callable  # (session, params, path, progress, requested_by) -> None
    title: Callable  # checked params -> what it is, in the reader's language


def _lot_range(session: Session, actor, params: dict, limit: int):
    code = params.get("code") or ""
    lot, product_lot = get_product_lot(session, code)
    if not actor.is_bureau and lot.owner_org_id != actor.org_id:
        raise Forbidden(_l("Only the lot's owner and the bureau print its labels."), field="code")
    return labels.serial_range(session, lot.code, params.get("first"), params.get("last"), limit)


def _check_sheet(session: Session, actor, params: dict) -> Plan:
    lot, _product_lot, _product, first, last = _lot_range(session, actor, params, labels.MAX_LABELS)
    params.update(code=lot.code, first=first, last=last)
    return Plan(_sheet_title(params), last - first + 1, f"{lot.code}-labels-{first}-{last}.pdf", "application/pdf")


def _sheet_title(params: dict) -> str:
    return _("Bottle labels of lot %(code)s, serials %(first)s–%(last)s (A4 PDF)", **params)


def _make_sheet(session: Session, params: dict, path: str, progress, requested_by: str) -> None:
    from ..documents.labels import bottle_sheet

    config = current_app.config
    made = labels.bottle_labels(session, key=config["SERIAL_KEY"], base_url=config["PUBLIC_BASE_URL"],
                                lot_code=params["code"], first=params["first"], last=params["last"])
    with open(path, "wb") as out:
        out.write(bottle_sheet(made.labels, made.notice, progress=progress))


def _check_csv(session: Session, actor, params: dict) -> Plan:
    lot, _product_lot, _product, first, last = _lot_range(session, actor, params, labels.MAX_CSV_ROWS)
    params.update(code=lot.code, first=first, last=last)
    return Plan(_csv_title(params), last - first + 1, f"{lot.code}-serials-{first}-{last}.csv", "text/csv")


def _csv_title(params: dict) -> str:
    return _("Serials of lot %(code)s, %(first)s–%(last)s (CSV)", **params)


CSV_STEP = 10_000  # rows between progress reports


def _make_csv(session: Session, params: dict, path: str, progress, requested_by: str) -> None:
    config = current_app.config
    rows = labels.iter_csv_rows(session, key=config["SERIAL_KEY"], base_url=config["PUBLIC_BASE_URL"],
                                lot_code=params["code"], first=params["first"], last=params["last"],
                                limit=labels.MAX_CSV_ROWS)
    def counted(rows):
        for done, row in enumerate(rows, 1):
            yield row
            if done % CSV_STEP == 0:
                progress(done)

    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(attachments.BOM)
        attachments.write_csv(out, labels.CSV_HEADER, counted(rows))  # the cells of every download
    progress(params["last"] - params["first"] + 1)


YEARS = range(2000, 2101)


def _check_report(session: Session, actor, params: dict) -> Plan:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau prints the output report."), field="year")
    year = params.get("year")
    if not isinstance(year, int) or year not in YEARS:
        raise Invalid(_l("Choose a year from %(first)s to %(last)s.", first=YEARS[0], last=YEARS[-1]), field="year")
    return Plan(_report_title(params), 1, f"oilchain-report-{year}.pdf", "application/pdf")


def _report_title(params: dict) -> str:
    return _("Output report for %(year)s (PDF)", year=params["year"])


def _make_report(session: Session, params: dict, path: str, progress, requested_by: str) -> None:
    pdf = printing.render(session, params["year"], None, printed_by=requested_by)
    with open(path, "wb") as out:
        out.write(pdf)
    progress(1)


def _check_seedlings(session: Session, actor, params: dict) -> Plan:
    from ..nursery import seedling_labels

    asked = seedling_labels.label_request(session, actor=actor, batch_code=params.get("code") or "",
                                          dispatch_id=params.get("dispatch"), first=params.get("first"),
                                          last=params.get("last"))
    params.update(code=asked.found.batch_lot.code, dispatch=asked.found.dispatch.id, first=asked.first, last=asked.last)
    return Plan(_seedlings_title(params), asked.last - asked.first + 1,
                f"{asked.found.batch_lot.code}-{asked.found.dispatch.id}-labels-{asked.first}-{asked.last}.pdf",
                "application/pdf")


def _seedlings_title(params: dict) -> str:
    return _("Seedling labels of batch %(code)s, dispatch %(dispatch)s, bundles %(first)s–%(last)s (A4 PDF)", **params)


def _make_seedlings(session: Session, params: dict, path: str, progress, requested_by: str) -> None:
    """The same labels as the nursery's page prints while it waits (nursery.seedling_labels)."""
    from ..documents.labels import seedling_sheet
    from ..nursery import seedling_labels

    config = current_app.config
    asked = seedling_labels.label_request(session, actor=None, batch_code=params["code"], dispatch_id=params["dispatch"],
                                          first=params["first"], last=params["last"])
    made = seedling_labels.seedling_labels(asked, key=config["SERIAL_KEY"], base_url=config["PUBLIC_BASE_URL"])
    with open(path, "wb") as out:
        out.write(seedling_sheet(made, seedling_labels.sheet_title(asked), progress=progress))


KINDS = {
    kind.code: kind
    for kind in (
        Kind("labels_pdf", _l("Bottle labels (A4 PDF)"), _check_sheet, _make_sheet, _sheet_title),
        Kind("serials_csv", _l("Serials (CSV)"), _check_csv, _make_csv, _csv_title),
        Kind("seedling_labels", _l("Seedling labels of a dispatch (A4 PDF)"), _check_seedlings, _make_seedlings,
             _seedlings_title),
        Kind("year_report", _l("Output report for a year (PDF)"), _check_report, _make_report, _report_title),
    )
}


def parameters_text(params: dict) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False)
