"""Where the package's files are: the package folder, and the top-level
folders (templates, static, migrations) inside it when installed from a
wheel, beside it in a checkout."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name
