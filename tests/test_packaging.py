"""`pip install .` gives a working app: templates, static files, migrations
and compiled translations travel inside the wheel, and the installed
package runs from any folder on its embedded SQLite default."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("oilchain-*.whl")
    return built


def test_wheel_carries_templates_static_migrations_and_catalogues(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "oilchain/templates/base.html",
        "oilchain/templates/public/bottle.html",
        "oilchain/static/css/app.css",
        "oilchain/static/vendor/htmx-2.0.11.min.js",
        "oilchain/migrations/env.py",
        "oilchain/migrations/versions/0001_initial_schema.py",
        "oilchain/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
        "oilchain/data/youyang_townships.csv",
    }
    assert expected <= names, expected - names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_wheel_migrates_and_loads_the_demo_from_any_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OILCHAIN_")}
    env["PYTHONPATH"] = str(target)  # ahead of the checkout's editable install
    cli = [sys.executable, "-c", "from oilchain.cli import main; main()"]

    def run(*args):
        return subprocess.run(cli + list(args), cwd=elsewhere, env=env, capture_output=True, text=True, check=True)

    run("db", "upgrade")
    demo = run("demo")
    assert "/01/" in demo.stdout and "manager" in demo.stdout
    where = subprocess.run(
        [sys.executable, "-c", "import oilchain; a = oilchain.create_app(); print(oilchain.__file__); print(a.template_folder); print(a.config['DATABASE_URL'])"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(target))
    assert where[1] == str(target / "oilchain" / "templates")
    assert where[2].startswith("sqlite:///") and Path(where[2][len("sqlite:///"):]).exists()
