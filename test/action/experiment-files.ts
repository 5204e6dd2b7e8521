// Repositories the action tests run: a train.py the proposer may edit, a locked prepare.py
// (the evaluator, when the config names one) and .github/autoopt.yml.
import type { Files } from "./action-fixture.ts";

export const CONFIG_PATH = ".github/autoopt.yml";

export function config(extra = "", run = "budget: 20s, grace: 5s"): string {
  return `version: 1
editable: [train.py]
locked: [prepare.py]
run: { command: python3 train.py, ${run} }
metric: { name: score, goal: minimize }
session: { seed: 100 }
runner: { runs_on: [self-hosted, gpu], retention_days: 7 }
${extra}`;
}

/** A train.py that prints autoresearch's summary block; `before` runs first. */
export function trainPy(score: number, before = ""): string {
  return `import json, os, sys, time
${before}
print("step 1/1 done")
print("---")
print("score:          ${score.toFixed(6)}")
print("peak_vram_mb:   45060.2")
`;
}

/** Writes one trace line and the environment it was given (into the workspace, env-seen.json). */
export const WRITES_TRACES_AND_ENV = `out = os.environ["AUTOOPT_OUT"]
os.makedirs(os.path.join(out, "traces"), exist_ok=True)
with open(os.path.join(out, "traces", "tasks.jsonl"), "w") as f:
    f.write(json.dumps({"task_id": "t1", "output": "42", "expected": "42", "score": 1.0}) + "\\n")
with open("env-seen.json", "w") as f:
    json.dump(dict(os.environ), f)
print(sorted(os.environ.items()))`;

export const PREPARE_PY = `# the trusted evaluator: reads what train.py left in $AUTOOPT_OUT and scores it
import os
with open(os.path.join(os.environ["AUTOOPT_OUT"], "model.txt")) as f:
    quality = float(f.read())
print("---")
print(f"score: {quality:.6f}")
`;

/** The base commit every case starts from. */
export function baseFiles(extraConfig = ""): Files {
  return {
    [CONFIG_PATH]: config(extraConfig),
    "train.py": trainPy(2),
    "prepare.py": PREPARE_PY,
    ".gitignore": "env-seen.json\nran.txt\nmodel.txt\n",
  };
}
