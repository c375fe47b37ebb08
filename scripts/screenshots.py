"""Screenshots of every page as each role sees it, for looking at what a
person sees. Needs a running app with the demo loaded and Debian's chromium:

    python scripts/screenshots.py http://127.0.0.1:5000 test-artifacts/screens
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "oilchain-demo"  # the demo's; lot codes below are the demo year 2025's
PAGES = {
    None: ["/login", "/01/06920001234508/10/YY-P25-000001/21/00000008OBDE", "/01/06920001234508/10/YY-P25-000001",
           "/01/06920001234508", "/01/06920001234508/10/YY-P25-000001/21/00000008OBDA"],  # the demo's bottle, lot, product, a wrong code
    "nursery": ["/nursery/", "/nursery/batches/new", "/nursery/grade", "/nursery/certify", "/nursery/dispatch", "/l/YY-S24-000001"],
    "coop": ["/planting/", "/planting/plots/new", "/planting/plantings/new", "/harvest/", "/harvest/new", "/harvest/dry-hull",
             "/harvest/ship", "/l/YY-H25-000001", "/l/YY-H25-000001/trace", "/harvest/field/", "/harvest/field/devices"],
    "processor": ["/processing/", "/processing/receive", "/processing/receive?code=YY-Z25-000004", "/processing/press",
                  "/processing/quality", "/processing/products/new", "/processing/bottle", "/sales/", "/sales/new", "/lots",
                  "/processing/refine", "/processing/blend", "/processing/tanks", "/processing/tanks/put", "/byproducts/",
                  "/byproducts/register", "/byproducts/extract", "/byproducts/leach", "/byproducts/make", "/l/YY-C25-000001",
                  "/l/YY-O25-000001", "/l/YY-P25-000001", "/scans/unknown", "/documents/", "/account/password"],
    "manager": ["/reports/dashboard", "/reports/dashboard?year=2025&month=11", "/reports/records?metric=seed_processed&year=2025",
                "/reports/targets?year=2025", "/reports/archive", "/planting/acceptance", "/admin/grading", "/admin/bounds", "/lots",
                "/l/YY-P25-000001", "/l/YY-P25-000001/trace", "/l/YY-H25-000001", "/plots/1/trace", "/recalls",
                "/recalls/preview?code=YY-S24-000001", "/processing/grades", "/byproducts/", "/gi/", "/gi/register?year=2025", "/scans/unknown"],
    "admin": ["/admin/", "/admin/users/new", "/admin/users/3", "/admin/organizations/new", "/admin/townships/3", "/admin/jobs",
              "/admin/audit"],
}
SIZES = {"desktop": (1280, 800), "phone": (360, 740)}


def main(base: str, out: str, extra: list[str]) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for user, paths in PAGES.items():
            for size_name, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                page = context.new_page()
                if user:
                    page.goto(base + "/login")
                    page.fill("#username", user)
                    page.fill("#password", PASSWORD)
                    page.click("button.primary")
                for path in paths + (extra if user == "manager" else []):
                    page.goto(base + path)
                    name = f"{user or 'anon'}{path.replace('/', '_')}_{size_name}.png"
                    page.screenshot(path=str(folder / name), full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
