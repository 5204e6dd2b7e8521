"""harness-spam's local model. LOCKED: the optimizer never edits this file.

A deterministic stand-in for an LLM that answers "spam" or "ham" and, like an LLM, knows only
the text of its prompt: it has no weights of its own and learns in context.

The prompt protocol (what a harness writes, and all that this model reads):

    <example label="spam">Subject and body of a labelled email</example>
    <example label="ham">...</example>              any number of examples, in any order
    rule: <word> => spam                             optional memory lines, one word each
    rule: <word> => ham
    <email>Subject and body of the email to classify</email>

Only the last <email>…</email> block is classified and only examples before it count, so text
inside an email cannot smuggle in examples. Anything else in the prompt (instructions, headers)
is ignored, but still costs context tokens.

The answer: a multinomial naive Bayes with Laplace smoothing trained on the examples in the
prompt alone (words of the email that no example contains are skipped), plus RULE_WEIGHT nats
towards a rule's label for every rule whose word occurs in the email. No examples and no rule
that fires, or a tie, gives "ham".
"""

import math
import re

TOKEN = re.compile(r"\w+|[^\w\s]")
EXAMPLE = re.compile(r'<example label="(spam|ham)">(.*?)</example>', re.S)
RULE = re.compile(r"^rule: (\S+) => (spam|ham)\s*$", re.M)
EMAIL_OPEN, EMAIL_CLOSE = "<email>", "</email>"
RULE_WEIGHT = 4.0  # nats, about the log-odds of a strong spam or ham word
LABELS = ("spam", "ham")


def tokens(text):
    return TOKEN.findall(text)


def count_tokens(text):
    """The context_tokens objective: words and single punctuation marks."""
    return len(TOKEN.findall(text))


def label_of(reply):
    """The first "spam" or "ham" word in a model's reply, or None."""
    m = re.search(r"\b(spam|ham)\b", reply.lower())
    return m.group(1) if m else None


def parse(prompt):
    """(examples as [(label, text)], rules as [(word, label)], email text or None)."""
    end = prompt.rfind(EMAIL_CLOSE)
    start = prompt.rfind(EMAIL_OPEN, 0, end) if end >= 0 else -1
    if start < 0:
        return [], [], None
    before = prompt[:start]
    examples = EXAMPLE.findall(before)
    rules = [(w.lower(), label) for w, label in RULE.findall(before)]
    return examples, rules, prompt[start + len(EMAIL_OPEN):end]


def complete(prompt):
    examples, rules, email = parse(prompt)
    if email is None:
        return "ham"
    words = [t.lower() for t in tokens(email)]
    score = {label: 0.0 for label in LABELS}
    if examples:
        counts = {label: {} for label in LABELS}
        docs = {label: 0 for label in LABELS}
        for label, text in examples:
            docs[label] += 1
            table = counts[label]
            for t in tokens(text):
                t = t.lower()
                table[t] = table.get(t, 0) + 1
        vocab = counts["spam"].keys() | counts["ham"].keys()
        for label in LABELS:
            table = counts[label]
            denom = math.log(sum(table.values()) + len(vocab))
            score[label] = math.log((docs[label] + 1) / (len(examples) + 2))
            score[label] += sum(math.log(table.get(w, 0) + 1) - denom for w in words if w in vocab)
    present = set(words)
    for word, label in rules:
        if word in present:
            score[label] += RULE_WEIGHT
    return "spam" if score["spam"] > score["ham"] else "ham"
