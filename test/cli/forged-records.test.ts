import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { heldoutCommand } from "../../src/cli/commands/heldout.ts";
import type { LedgerEvent } from "../../src/core/index.ts";
import { runSession, sink } from "../helpers/run-session.ts";
import { gitIn, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";

/**
 * The attacker: a process with the user's powers, as a run is where no sandbox contains it (or
 * one left running after its session). Each attack is what such a run would do to the records.
 */
const ATTACKER = String.raw`
import json, os, subprocess, sys
repo, session, what = sys.argv[1:4]
def git(*args, env=None, data=None):
    return subprocess.run(["git", *args], cwd=repo, env=env, input=data, capture_output=True,
                          text=True, check=True).stdout.strip()
ratchet = f"refs/heads/autoopt/{session}/ratchet"
def evil_commit():
    head = git("rev-parse", ratchet)
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(repo, ".git", "evil-index"),
               GIT_AUTHOR_NAME="autoopt", GIT_AUTHOR_EMAIL="autoopt@localhost",
               GIT_COMMITTER_NAME="autoopt", GIT_COMMITTER_EMAIL="autoopt@localhost")
    git("read-tree", head, env=env)
    for path, text in [("prepare.py", "print('---')\nprint('score: 0.0001')\n"),
                       (".github/workflows/evil.yml", "on: push\n")]:
        blob = git("hash-object", "-w", "--stdin", data=text)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = git("write-tree", env=env)
    return head, git("commit-tree", tree, "-p", head, "-m", "X = 3", env=env)
ledger = os.path.join(repo, ".autoopt", session, "ledger.jsonl")
if what == "config":
    with open(os.path.join(repo, "autoopt.yml"), "w") as f:
        f.write("version: 1\neditable: [train.py]\nrun: { command: python3 train.py, budget: 10s }\n"
                "metric: { name: score, goal: minimize }\nsession: { max_experiments: 9 }\n")
elif what == "rows":
    head, sha = evil_commit()
    events = [json.loads(l) for l in open(ledger) if l.strip()]
    n = max([e["experiment"] for e in events if e["type"] == "proposed"] + [0]) + 1
    at = events[-1]["at"]
    rows = [{"at": at, "type": "proposed", "experiment": n, "kind": "candidate", "sha": sha,
             "parent": head, "description": "X = 3"},
            {"at": at, "type": "finished", "experiment": n,
             "run": {"status": "ok", "metrics": {"score": 0.0001}, "wall_s": 1, "exit_code": 0, "signal": None},
             "decision": {"target": n, "outcome": "keep", "reason": "better", "value": 0.0001}}]
    with open(ledger, "a") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))
    print(sha)
elif what.startswith("branch-"):
    _, sha = evil_commit()
    git("update-ref", f"refs/heads/autoopt/{session}/{what[len('branch-'):]}", sha)
    print(sha)
`;

function attack(dir: string, what: string): string {
  return execFileSync("python3", ["-c", ATTACKER, dir, "s", what], { encoding: "utf8" }).trim();
}

const CONFIG = `version: 1
editable: [train.py]
locked: [prepare.py]
run: { command: python3 train.py, budget: 10s, grace: 5s, evaluate: python3 prepare.py }
metric: { name: score, goal: minimize }
session: { max_experiments: 4 }
`;

/** train.py also reports the budget it was given, so a test can see which settings a run had. */
const TRAIN = `${quadraticTrainPy(0.6)}import os
open(os.environ["AUTOOPT_OUT"] + "/budget", "w").write(os.environ["AUTOOPT_BUDGET_S"])
`;
const PREPARE = `import json, os, re
src = open("train.py").read()
x = float(re.search(r"^X = (.*)$", src, re.M).group(1))
y = float(re.search(r"^Y = (.*)$", src, re.M).group(1))
budget = float(open(os.environ["AUTOOPT_OUT"] + "/budget").read())
json.dump({"score": (x - 3) ** 2 + (y - 0.5) ** 2 + 1, "budget": budget},
          open(os.environ["AUTOOPT_OUT"] + "/metrics.json", "w"))
`;

function repo(): string {
  return tempRepo({
    "train.py": TRAIN,
    "prepare.py": PREPARE,
    "autoopt.yml": CONFIG,
    "program.md": "# go\n",
  });
}

const run = (dir: string, extra: Parameters<typeof runSession>[2] = {}) =>
  runSession(dir, "s", extra);

function ledgerText(dir: string): string {
  return readFileSync(join(dir, ".autoopt/s/ledger.jsonl"), "utf8");
}

function ledger(dir: string): LedgerEvent[] {
  return ledgerText(dir)
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEvent);
}

function branchAt(dir: string, n: number): string | undefined {
  try {
    return gitIn(dir, "rev-parse", "--verify", "-q", `autoopt/s/exp-${n}`).trim();
  } catch {
    return undefined;
  }
}

const ratchet = (dir: string) => gitIn(dir, "rev-parse", "autoopt/s/ratchet").trim();

/**
 * Waits until experiment `n` is proposed, its branch is set (that follows the ledger's write)
 * and it is not finished: its run is under way.
 */
async function whileRunning(dir: string, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const events = (() => {
      try {
        return ledger(dir);
      } catch {
        return [];
      }
    })();
    const proposed = events.find((e) => e.type === "proposed" && e.experiment === n);
    const finished = events.some((e) => e.type === "finished" && e.experiment === n);
    if (proposed?.type === "proposed" && !finished && branchAt(dir, n) === proposed.sha) return;
    await sleep(20);
  }
  throw new Error(`experiment ${n} never started`);
}

describe("a resumed session runs with the settings it recorded", () => {
  it("keeps the command-line budget and limits it started with", async () => {
    const dir = repo();
    await run(dir, { budget: 7, maxExperiments: 1 });
    // Extending the session is allowed; the budget stays the recorded one.
    const second = await run(dir, { maxExperiments: 2 });
    expect(second.out).toContain("resuming session s");
    // No flags: the recorded limit (2), not autoopt.yml's 4.
    const third = await run(dir);
    expect(third.reason).toContain("max_experiments (2)");
    const finished = ledger(dir).filter((e) => e.type === "finished");
    expect(finished).toHaveLength(3);
    for (const e of finished) expect(e.type === "finished" && e.run.metrics.budget).toBe(7);
    await expect(run(dir, { budget: 9 })).rejects.toThrow(/budget of 7s.*--budget 9s/);
  }, 60_000);

  it("refuses to resume after a run rewrote autoopt.yml, naming each change", async () => {
    const dir = repo();
    await run(dir, { maxExperiments: 1 });
    attack(dir, "config");
    const before = ledgerText(dir);
    const resumed = run(dir, { maxExperiments: 3 });
    await expect(resumed).rejects.toThrow(/changed since session s started/);
    const message = await resumed.catch((e: Error) => e.message);
    expect(message).toContain('locked: ["prepare.py"] → []');
    expect(message).toContain('run.evaluate: "python3 prepare.py" → absent');
    expect(message).toContain("start a new session: `autoopt run`");
    expect(ledgerText(dir)).toBe(before);
  }, 60_000);

  it("resumes a ledger without a recorded config only while autoopt.yml matches its base commit", async () => {
    const dir = repo();
    await run(dir, { budget: 8, maxExperiments: 1 });
    const path = join(dir, ".autoopt/s/ledger.jsonl");
    // What an earlier version wrote: no config in the session event.
    const legacy = ledger(dir).map((e) => {
      if (e.type !== "session") return e;
      const { config: _dropped, ...rest } = e;
      return rest;
    });
    writeFileSync(path, legacy.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const second = await run(dir, { maxExperiments: 2 });
    expect(second.reason).toContain("max_experiments (2)");
    const last = ledger(dir).findLast((e) => e.type === "finished");
    expect(last?.type === "finished" && last.run.metrics.budget).toBe(8);

    writeFileSync(path, legacy.map((e) => `${JSON.stringify(e)}\n`).join(""));
    attack(dir, "config");
    await expect(run(dir, { maxExperiments: 3 })).rejects.toThrow(
      /locked: \["prepare.py"\] → \[\]/,
    );
  }, 60_000);
});

describe("a keep moves the ratchet only to the commit autoopt made", () => {
  it("refuses a resume whose ledger keeps a commit autoopt never made", async () => {
    const dir = repo();
    await run(dir, { maxExperiments: 1 });
    const head = ratchet(dir);
    const evil = attack(dir, "rows");
    const resumed = run(dir, { maxExperiments: 3 });
    await expect(resumed).rejects.toThrow(/records of this session disagree with git/);
    const message = await resumed.catch((e: Error) => e.message);
    expect(message).toContain(evil.slice(0, 7));
    expect(message).toMatch(/prepare\.py|\.github\/workflows\/evil\.yml/);
    expect(ratchet(dir)).toBe(head);
    expect(gitIn(dir, "show", `${head}:prepare.py`)).toBe(PREPARE);
  }, 60_000);

  it("stops a session whose ledger gets rows appended during a run, and restores the ledger", async () => {
    const dir = repo();
    const session = run(dir);
    await whileRunning(dir, 2);
    const mine = ledgerText(dir);
    attack(dir, "rows");
    await expect(session).rejects.toThrow(
      /changed by something other than autoopt.*2 lines appended/,
    );
    // The ledger holds only autoopt's lines; the forged file is kept aside as evidence.
    const text = ledgerText(dir);
    expect(text.startsWith(mine)).toBe(true);
    expect(ledger(dir).filter((e) => e.type === "proposed" && e.description === "X = 3")).toEqual(
      [],
    );
    const evidence = readdirSync(join(dir, ".autoopt/s")).filter((f) => f.includes("tampered"));
    expect(evidence).toHaveLength(1);
    expect(ratchet(dir)).toBe(ledger(dir).find((e) => e.type === "session")?.base_sha);
  }, 60_000);

  it("stops a session whose experiment branch a run moved to a commit of its own", async () => {
    const dir = repo();
    const session = run(dir);
    await whileRunning(dir, 2);
    const evil = attack(dir, "branch-exp-2");
    await expect(session).rejects.toThrow(
      new RegExp(`branch exp-2 points at ${evil.slice(0, 7)}, not at`),
    );
    expect(ratchet(dir)).not.toBe(evil);
    await expect(run(dir)).rejects.toThrow(/branch exp-2 points at/);
  }, 60_000);

  it("refuses a resume after the ratchet branch was moved to a commit never kept", async () => {
    const dir = repo();
    await run(dir, { maxExperiments: 1 });
    const evil = attack(dir, "branch-ratchet");
    await expect(run(dir, { maxExperiments: 2 })).rejects.toThrow(
      new RegExp(`ratchet branch points at ${evil.slice(0, 7)}, a commit this session never kept`),
    );
    expect(ratchet(dir)).toBe(evil);
  }, 60_000);
});

describe("autoopt report --heldout after autoopt.yml was rewritten", () => {
  it("refuses to run a held-out command the session never recorded", async () => {
    const dir = tempRepo({
      "train.py": TRAIN,
      "prepare.py": PREPARE,
      "autoopt.yml": `${CONFIG.replace("max_experiments: 4", "max_experiments: 1")}promotion: { heldout: python3 train.py && python3 prepare.py }\n`,
      "program.md": "# go\n",
    });
    await run(dir);
    const yml = readFileSync(join(dir, "autoopt.yml"), "utf8");
    writeFileSync(
      join(dir, "autoopt.yml"),
      yml.replace("python3 train.py && python3 prepare.py", "python3 fake_eval.py"),
    );
    const out = sink();
    await expect(heldoutCommand({ cwd: dir, env: process.env, out, session: "s" })).rejects.toThrow(
      /promotion\.heldout/,
    );
    expect(readdirSync(join(dir, ".autoopt/s"))).not.toContain("heldout");
  });
});
