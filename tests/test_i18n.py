"""Chinese by default; every message id in the code and templates has a
zh_CN translation, and the compiled catalogue matches its source."""

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "oilchain" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extracted_ids() -> set[tuple[str | None, str]]:
    """(context, message id) of every message the code and templates use."""
    ids = set()
    for folder, method_map in ((ROOT / "oilchain", [("**.py", "python")]), (ROOT / "templates", [("**.html", "jinja2")])):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(folder), method_map=method_map, keywords=KEYWORDS
        ):
            ids.add((_context, message if isinstance(message, str) else message[0]))
    return ids


def forms(value) -> tuple[str, ...]:
    """A message's id or string as its forms: one, or a plural's several (ngettext)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def test_every_message_id_has_a_chinese_translation():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {(m.context, forms(m.id)[0]): all(forms(m.string)) for m in catalogue if m.id}
    missing = sorted(i for i in extracted_ids() if not translated.get(i))
    assert missing == []


def test_placeholders_survive_translation():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    for message in catalogue:
        if message.id and message.string:
            wanted = sorted(re.findall(r"%\(\w+\)s", forms(message.id)[0]))
            for string in forms(message.string):
                assert sorted(re.findall(r"%\(\w+\)s", string)) == wanted, message.id


def test_compiled_catalogue_matches_its_source():
    source = {(m.context, forms(m.id)): forms(m.string) for m in read_po((CATALOGUE / "messages.po").open("rb")) if m.id and m.string}
    compiled = {(m.context, forms(m.id)): forms(m.string)
                for m in read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes())) if m.id}
    assert compiled == source


def test_pages_are_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "登录" in chinese
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Sign in" in english and "登录" not in english
