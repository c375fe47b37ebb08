"""Screenshots of every page as each role sees it, at a phone's 360 x 740, a
tablet's 800 x 1280 (upright) and 1280 x 800, for looking at what a person
sees. Needs a running app with the demo loaded and Debian's chromium:

    OILCHAIN_DATABASE_URL=sqlite:///demo.db oilchain run --port 5000 &
    OILCHAIN_DATABASE_URL=sqlite:///demo.db python scripts/screenshots.py http://127.0.0.1:5000 test-artifacts/screens
    ... [--size 360x740] [--role manager] [--only /reports/]

The page list is the layout test's (tests/layout_pages.py): every GET rule
of the app's URL map, with sample values read from the same database (so
run it with the running app's OILCHAIN_DATABASE_URL and SERIAL_KEY); each
role gets the pages that answer it 200 with HTML. Files are named
<role>_<path>_<width>x<height>.png; whole pages (full_page).
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oilchain import create_app, db  # noqa: E402
from oilchain.demo import DEMO_PASSWORD  # noqa: E402
from tests import layout_pages  # noqa: E402

SIZES = [(360, 740), (800, 1280), (1280, 800)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the running app, e.g. http://127.0.0.1:5000")
    parser.add_argument("out", help="the folder to write the PNGs to")
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT (repeatable; default the three sizes)")
    parser.add_argument("--role", action="append", choices=list(layout_pages.ROLES), help="only these roles (repeatable)")
    parser.add_argument("--only", default="", help="only paths that start with this")
    parser.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.size] if args.size else SIZES
    app = create_app()
    with app.app_context():
        data = layout_pages.sample_data(db.session(), app.config["SERIAL_KEY"])
    pages, missing = layout_pages.pages(app.url_map, data)
    for rule in missing:
        print(f"no sample in this database for {rule}: not shot")
    pages = [(endpoint, path) for endpoint, path in pages if path.startswith(args.only)]
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    shot = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for role, username in layout_pages.ROLES.items():
            if args.role and role not in args.role:
                continue
            own = None
            for width, height in sizes:
                context = browser.new_context(base_url=args.base, viewport={"width": width, "height": height},
                                              locale="zh-CN" if args.lang == "zh_CN" else "en-US")
                context.add_cookies([{"name": "lang", "value": args.lang, "url": args.base}])
                page = context.new_page()
                if username:
                    layout_pages.sign_in(page, username, DEMO_PASSWORD)
                if own is None:
                    own, errors = layout_pages.role_pages(context, pages, role)
                    for error in errors:
                        print(f"{role}: {error}")
                for path in own:
                    page.goto(path)
                    page.screenshot(path=str(folder / layout_pages.file_name(role, path, width, height)), full_page=True)
                    shot += 1
                context.close()
        browser.close()
    print(f"{shot} screenshots in {folder}")


if __name__ == "__main__":
    main()
