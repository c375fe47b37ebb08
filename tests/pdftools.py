"""Reading our PDFs with Debian's poppler-utils (pdftotext, pdffonts, pdfinfo,
pdftoppm), the tools a printer's driver or a reader would meet, instead of
trusting reportlab's own view of what it wrote."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path


def _write(pdf: bytes, directory: Path, name: str) -> Path:
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    path = Path(directory) / name
    path.write_bytes(pdf)
    return path


def _run(*args) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


def text_of(pdf: bytes, directory: Path, name: str = "doc.pdf") -> str:
    """The PDF's text as `pdftotext -layout` reads it."""
    return _run("pdftotext", "-layout", str(_write(pdf, directory, name)), "-")


def fonts_of(pdf: bytes, directory: Path, name: str = "doc.pdf") -> list[dict]:
    """One dict per font `pdffonts` lists (name, type, emb)."""
    lines = _run("pdffonts", str(_write(pdf, directory, name))).splitlines()
    assert lines[0].split()[:2] == ["name", "type"] and set(lines[1]) <= {"-", " "}, lines[:2]
    fonts = []
    for line in lines[2:]:
        cells = line.split()
        # the last five columns: emb sub uni object-number generation
        fonts.append({"line": line, "name": cells[0], "emb": cells[-5], "sub": cells[-4]})
    return fonts


def info_of(pdf: bytes, directory: Path, name: str = "doc.pdf") -> dict[str, str]:
    out = _run("pdfinfo", str(_write(pdf, directory, name)))
    return {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def page_size_pts(info: dict[str, str]) -> tuple[float, float]:
    match = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"])
    assert match, info["Page size"]
    return float(match.group(1)), float(match.group(2))


def rasterize(pdf: bytes, directory: Path, dpi: int, name: str = "doc.pdf") -> list[Path]:
    """Every page as a PNG (`pdftoppm -r dpi -png`), in page order."""
    path = _write(pdf, directory, name)
    prefix = Path(directory) / (path.stem + "-page")
    _run("pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix))
    return sorted(Path(directory).glob(path.stem + "-page*.png"))


def grouped(value: Decimal) -> str:
    """A figure as the reports write it: thousands grouped, no trailing zeros."""
    return format(value.normalize(), ",f")


def tonnes(grams: int) -> str:
    return grouped(Decimal(grams).scaleb(-6))


def mu(centimu: int) -> str:
    return grouped(Decimal(centimu).scaleb(-2))


def squeeze(line: str) -> str:
    """pdftotext sometimes sets a unit right against its number, sometimes
    not: drop the space before a unit so both read the same."""
    return re.sub(r"(?<=[\d—])\s+(?=吨|亩|株|t\b|mu\b|plants\b)", "", line)


def row_cells(text: str, label: str) -> list[str]:
    """The cells after `label` on the first line that starts with it."""
    for line in text.splitlines():
        if line.strip().startswith(label + " "):
            return squeeze(line.strip()[len(label):]).split()
    raise AssertionError(f"no row starts with {label!r} in:\n{text}")
