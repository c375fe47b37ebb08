"""The layering the code keeps, as contracts import-linter checks
(pyproject.toml, [tool.importlinter]): the ledger imports no domain package,
services and documents import no views, events are a leaf. A new import
across a line fails here, naming the chain of imports."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.count("KEPT") == 4 and "BROKEN" not in result.stdout
