"""Fill in zh_CN translations from a JSON file of {English msgid: Chinese}.

    python scripts/translate.py new-messages.json

Runs scripts/translations (extract, update, compile) first so the catalogue
knows every message, sets the given msgstr entries, writes the catalogue and
compiles it again. Holds a lock file while it works, so that two people (or
two terminals) filling in translations at once do not overwrite each other.
Prints the message ids that are still untranslated.

A message with a context (pgettext) is keyed "CONTEXT\u0004MSGID", the
separator gettext itself puts between the two in a compiled catalogue.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "oilchain/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
LOCK = ROOT / ".translations.lock"


def main(path: str) -> int:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run([str(ROOT / "scripts/translations")], check=True, stdout=subprocess.DEVNULL)
        with PO.open("rb") as handle:
            catalog = read_po(handle, locale="zh_Hans_CN")
        unknown = []
        for msgid, msgstr in wanted.items():
            context, _, bare = msgid.rpartition("\u0004")
            message = catalog.get(bare, context=context or None)
            if message is None:
                unknown.append(msgid)
                continue
            message.string = msgstr
        with PO.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True,
                     ignore_obsolete=True, width=76)
        subprocess.run([str(ROOT / "scripts/translations")], check=True, stdout=subprocess.DEVNULL)
    for msgid in unknown:
        print("not in the catalogue (not extracted from the code):", msgid)
    with PO.open("rb") as handle:
        missing = [(m.context + " | " if m.context else "") + str(m.id)
                   for m in read_po(handle, locale="zh_Hans_CN") if m.id and not m.string]
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if unknown or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
