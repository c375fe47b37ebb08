"""Reading our PDFs with Debian's poppler-utils (pdftotext, pdffonts, pdfinfo,
pdftoppm), the tools a printer's driver or a reader would meet, instead of
trusting reportlab's own view of what it wrote."""

import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree


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


# --- reading a table's layout back -----------------------------------------------------------

BREAK = "\u200b"


@dataclass
class Word:
    text: str
    x0: float
    y0: float  # from the page's top
    x1: float
    y1: float


def pages_words(pdf: bytes, directory: Path, name: str = "doc.pdf") -> list[list[Word]]:
    """Each page's words with their boxes, as `pdftotext -bbox-layout` reads
    them (a word is what lies between two spaces or gaps)."""
    out = _run("pdftotext", "-bbox-layout", str(_write(pdf, directory, name)), "-")
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.fromstring(out)
    return [
        [Word(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
         for w in page.iterfind(".//x:word", ns)]
        for page in root.iterfind(".//x:page", ns)
    ]


def heading_pieces(heading: str) -> list[str]:
    """A heading's words as its break points cut it: at spaces, at zero-width
    spaces and after a hyphen inside a Latin word (the builder's rule, said
    again here independently)."""
    pieces = []
    for chunk in re.split(r"\s+|\u200b", heading):
        pieces += [p for p in re.split(r"(?<=[A-Za-z]-)(?=[A-Za-z])", chunk) if p]
    return pieces


def whole_words(headings: list[str]) -> set[str]:
    """What a reader may find as one word of a heading: one of its pieces or
    several neighbouring ones set on one line without a space between them
    (after a zero-width space or a hyphen)."""
    allowed = set()
    for heading in headings:
        for run in re.split(r"\s+", heading):
            pieces = heading_pieces(run)
            for i in range(len(pieces)):
                for j in range(i + 1, len(pieces) + 1):
                    allowed.add("".join(pieces[i:j]))
    return allowed


def header_words(page: list[Word], top: float, first_row_y: float) -> list[Word]:
    """The words between `top` and the first body row's top: the table's heading row."""
    return [w for w in page if w.y0 >= top - 0.5 and w.y1 <= first_row_y + 0.5]


def check_header_row(words: list[Word], headings: list[str]) -> None:
    """The heading row holds every heading, each word of it whole: no word
    is a piece of a heading cut anywhere but at a break point, and the
    characters are those of the headings, no more and no fewer."""
    allowed = whole_words(headings)
    cut = [w.text for w in words if w.text not in allowed]
    assert not cut, f"heading words cut inside: {cut} (allowed: {sorted(allowed)})"
    found = sorted("".join(w.text for w in words))
    wanted = sorted("".join(re.sub(r"\s+|\u200b", "", h) for h in headings))
    assert found == wanted, f"the heading row reads {''.join(w.text for w in words)!r}, not the headings {headings}"


def row_lines(text: str) -> list[list[str]]:
    """`pdftotext -layout` text as pages of lines."""
    return [page.splitlines() for page in text.split("\f")]
