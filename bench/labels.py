"""Label benchmark: the A4 bottle label sheet PDF against the QR codes alone.

Takes --labels real bottle labels (`oilchain.processing.labels.bottle_labels`
over the product lots of the benchmark database) and, in each round, times
`oilchain.documents.labels.bottle_sheet(labels)` (the whole PDF: vector QR
codes, text, GI mark areas) and encoding the same URLs' QR codes alone
(`oilchain.documents.qr.matrix`), in turn. The figure is the median over the
rounds of speed(PDF) / speed(QR alone) in labels per second. Target: >= 0.70.

    OILCHAIN_DATABASE_URL=... python bench/labels.py [--labels 2000] [--rounds 3]
"""

import argparse
import time

from sqlalchemy import text

from _common import app as make_app
from _common import median, verdict


def label_ranges(session, count: int) -> list[tuple[str, int, int]]:
    """(lot code, first serial, last serial) of whole product lots, GI-eligible
    ones first (their sheets carry the GI mark area too), then others, up to
    700 labels a lot, until `count` labels."""
    rows = session.connection().execute(text("""
        SELECT lot.code, pl.serial_first, pl.serial_last, pl.gi_status LIKE '%"eligible": true%' AS gi
        FROM product_lot pl JOIN lot ON lot.id = pl.lot_id ORDER BY gi DESC, lot.id""")).all()
    ranges, taken = [], 0
    for code, first, last, _gi in rows:
        take = min(last - first + 1, count - taken, 700)
        ranges.append((code, first, first + take - 1))
        taken += take
        if taken >= count:
            break
    return ranges


def labels_of(app, ranges):
    """The app's bottle labels of those serial ranges (inside a request context)."""
    from oilchain import db
    from oilchain.processing.labels import bottle_labels

    session, labels = db.session(), []
    for code, first, last in ranges:
        labels += bottle_labels(session, key=app.config["SERIAL_KEY"], base_url=app.config["PUBLIC_BASE_URL"],
                                lot_code=code, first=first, last=last).labels
    return labels


def real_labels(app, count: int):
    """`count` real labels (label_ranges) and the number of lots they come from."""
    from oilchain import db

    ranges = label_ranges(db.session(), count)
    return labels_of(app, ranges), len(ranges)


def main():
    parser = argparse.ArgumentParser(description="Label sheet PDF vs QR encoding alone")
    parser.add_argument("--labels", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from oilchain.documents import qr
    from oilchain.documents.labels import bottle_sheet

    app = make_app()
    with app.test_request_context("/"):
        labels, lots = real_labels(app, args.labels)
    with_gi = sum(1 for label in labels if label.gi)
    print(f"{len(labels):,} real bottle labels from {lots} product lots ({with_gi:,} with the GI mark area), "
          f"e.g. {labels[0].url}")
    bottle_sheet(labels[:21])  # warm-up: font registration, imports
    for label in labels[:21]:
        qr.matrix(label.url)
    ratios, pdf_rates, qr_rates = [], [], []
    for n in range(1, args.rounds + 1):
        t0 = time.perf_counter()
        pdf = bottle_sheet(labels)
        t1 = time.perf_counter()
        for label in labels:
            qr.matrix(label.url)
        t2 = time.perf_counter()
        pdf_rates.append(len(labels) / (t1 - t0))
        qr_rates.append(len(labels) / (t2 - t1))
        ratios.append(pdf_rates[-1] / qr_rates[-1])
        print(f"  round {n}: PDF {t1 - t0:6.2f} s = {pdf_rates[-1]:7.1f} labels/s ({len(pdf) / 1e6:.1f} MB, "
              f"{(len(labels) + 20) // 21} pages)   QR alone {t2 - t1:6.2f} s = {qr_rates[-1]:7.1f} labels/s   "
              f"ratio {ratios[-1]:.3f}")
    ratio = median(ratios)
    print(f"RESULT labels: PDF {median(pdf_rates):.1f} labels/s, QR alone {median(qr_rates):.1f} labels/s (medians); "
          f"speed(PDF)/speed(QR alone) = {ratio:.3f} (median of {args.rounds} rounds); {verdict(ratio, 0.70)}")


if __name__ == "__main__":
    main()
