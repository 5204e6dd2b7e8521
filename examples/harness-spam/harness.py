"""harness-spam's harness: what the model gets to see. EDITABLE: the optimizer changes this file.

build_prompt(email, pool) picks labelled examples from the pool, optionally adds memory rules
mined from the pool, and writes the prompt in the protocol documented in model.py. The knobs
below are what the offline search proposer tunes; every one trades accuracy against
context_tokens.
"""

import math
import random
import re

N_EXAMPLES = 2  # labelled examples per prompt
EXAMPLE_CHARS = 200  # characters of each example kept (subject first, then body)
QUERY_CHARS = 1500  # characters of the email to classify handed to the model
SIMILARITY = 0.1  # 0: examples picked at random (seeded by task id); 1: the most similar ones
SPAM_SHARE = 0.5  # share of spam among the examples
RULES = 0  # memory lines "rule: <word> => <label>" mined from the pool

INSTRUCTION = "Classify the email as spam or ham. Answer with one word."
# Whole tokens of model.count_tokens' tokenizer, so that a mined rule can fire.
WORD = re.compile(r"[a-z][a-z0-9]+")

_indexes = {}


def text_of(email):
    # The markup characters would let an email close its own block; nothing else is altered.
    return f"Subject: {email['subject']}\n{email['body']}".translate({60: " ", 62: " "})


class PoolIndex:
    """TF-IDF vectors of the pool in an inverted index, plus the rules, built once per run."""

    def __init__(self, pool):
        self.pool = pool
        docs = [self.counts(text_of(e)) for e in pool]
        df = {}
        for counts in docs:
            for w in counts:
                df[w] = df.get(w, 0) + 1
        # Words in a quarter of the pool or more say little about similarity and cost the most.
        self.idf = {w: math.log(len(pool) / n) for w, n in df.items() if n * 4 < len(pool)}
        self.postings = {}
        for i, counts in enumerate(docs):
            vec = {w: c * self.idf[w] for w, c in counts.items() if w in self.idf}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for w, v in vec.items():
                self.postings.setdefault(w, []).append((i, v / norm))
        self.rules = self.mine_rules(docs)

    @staticmethod
    def counts(text):
        counts = {}
        for w in WORD.findall(text.lower()):
            counts[w] = counts.get(w, 0) + 1
        return counts

    def similarities(self, text):
        """Cosine similarity of text to every pool email."""
        sims = [0.0] * len(self.pool)
        vec = {w: c * self.idf[w] for w, c in self.counts(text).items() if w in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        for w, v in vec.items():
            q = v / norm
            for i, d in self.postings.get(w, ()):
                sims[i] += q * d
        return sims

    def mine_rules(self, docs, min_docs=8):
        """Words ranked by how strongly their presence separates spam from ham in the pool; a
        word in fewer than min_docs pool emails is too rare to trust."""
        n = {"spam": 0, "ham": 0}
        df = {"spam": {}, "ham": {}}
        for email, counts in zip(self.pool, docs):
            n[email["label"]] += 1
            table = df[email["label"]]
            for w in counts:
                table[w] = table.get(w, 0) + 1
        ranked = []
        for w in df["spam"].keys() | df["ham"].keys():
            s, h = df["spam"].get(w, 0), df["ham"].get(w, 0)
            if s + h >= min_docs:
                odds = math.log((s + 1) / (n["spam"] + 2)) - math.log((h + 1) / (n["ham"] + 2))
                ranked.append((-abs(odds), w, "spam" if odds > 0 else "ham"))
        return [(w, label) for _, w, label in sorted(ranked)]


def index_for(pool):
    key = id(pool)
    if key not in _indexes:
        _indexes[key] = PoolIndex(pool)
    return _indexes[key]


def pick(index, email):
    """Indices of the chosen pool examples: a blend of lexical similarity and seeded noise."""
    noise_rng = random.Random(email["id"])
    noise = [noise_rng.random() for _ in index.pool]
    if SIMILARITY > 0:
        sims = index.similarities(text_of(email))
        top = max(sims) or 1.0
        score = [SIMILARITY * s / top + (1 - SIMILARITY) * r for s, r in zip(sims, noise)]
    else:
        score = noise
    n_spam = round(N_EXAMPLES * SPAM_SHARE)
    want = {"spam": n_spam, "ham": N_EXAMPLES - n_spam}
    chosen = []
    for i in sorted(range(len(index.pool)), key=lambda i: -score[i]):
        label = index.pool[i]["label"]
        if want[label] > 0:
            want[label] -= 1
            chosen.append(i)
    return chosen


def build_prompt(email, pool):
    """The prompt for one email, and the ids of the pool examples it shows."""
    index = index_for(pool)
    chosen = pick(index, email)
    lines = [INSTRUCTION]
    for i in chosen:
        example = index.pool[i]
        text = text_of(example)[:EXAMPLE_CHARS]
        lines.append(f'<example label="{example["label"]}">{text}</example>')
    lines += [f"rule: {w} => {label}" for w, label in index.rules[:RULES]]
    lines.append(f"<email>{text_of(email)[:QUERY_CHARS]}</email>")
    return "\n".join(lines), [index.pool[i]["id"] for i in chosen]
