import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type Decision,
  type LedgerEvent,
  type Result,
  type RunSummary,
  replay,
  resultsTsv,
  type SessionState,
} from "../../src/core/index.ts";

/** Strings planted where the tools must never reach; no tool output may contain them. */
export const SECRETS = {
  outside: "OUTSIDE-SECRET-7f3a",
  worktree: "WORKTREE-SECRET-91c2",
  lock: "LOCK-SECRET-55d0",
  heldout: "HELDOUT-SECRET-c4e8",
  tmp: "TMP-SECRET-0b7d",
} as const;

export interface ArchiveFixture {
  /** The temp folder holding the repository-like tree, the session and the outside secret. */
  root: string;
  sessionDir: string;
  events: LedgerEvent[];
  state: SessionState;
  /** Where the held-out file lies; the tools get `hidden` for it. */
  heldout: string;
  /** Appends events (e.g. a new experiment) and rewrites the ledger. */
  append(...more: LedgerEvent[]): void;
}

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export function ok(value: number, extra: Record<string, number> = {}): RunSummary {
  const metrics = { val_bpb: value, peak_vram_mb: 45_060.2, ...extra };
  return { status: "ok", metrics, wall_s: 301.5, exit_code: 0, signal: null };
}

export function finished(experiment: number, minute: number, run: RunSummary, d: Decision) {
  return { type: "finished", at: at(minute), experiment, run, decision: d } as const;
}

export function proposed(
  experiment: number,
  minute: number,
  description: string,
  hypothesis?: string,
) {
  const kind = experiment === 1 ? "baseline" : "candidate";
  return {
    type: "proposed",
    at: at(minute),
    experiment,
    kind,
    sha: `sha${String(experiment).padStart(37, "0")}`,
    parent: "sha-parent",
    description,
    ...(hypothesis === undefined ? {} : { hypothesis }),
  } as const;
}

/** A session of five experiments: baseline, keep, discard, crash (NaN loss), still running. */
function sessionEvents(): LedgerEvent[] {
  const crash: RunSummary = {
    status: "crash",
    reason: "exit code 1: loss is NaN",
    metrics: {},
    wall_s: 42,
    exit_code: 1,
    signal: null,
  };
  return [
    {
      type: "session",
      at: at(0),
      session: "s1",
      base_sha: "sha-base",
      metric: { name: "val_bpb", goal: "minimize" },
      settings: {},
    },
    proposed(1, 1, "baseline"),
    finished(1, 6, ok(0.9979), {
      target: 1,
      outcome: "baseline",
      reason: "baseline",
      value: 0.9979,
    }),
    proposed(2, 7, "MATRIX_LR 0.04 → 0.05", "a higher learning rate converges faster"),
    finished(2, 12, ok(0.9932), {
      target: 2,
      outcome: "keep",
      reason: "beats best by 0.0047 > 0",
      value: 0.9932,
      delta: 0.0047,
    }),
    proposed(3, 13, "WARMUP 0 → 200 steps", "warmup stabilises the early steps"),
    finished(3, 18, ok(0.9951), {
      target: 3,
      outcome: "discard",
      reason: "no gain",
      value: 0.9951,
    }),
    proposed(4, 19, "MATRIX_LR 0.05 → 0.5", "much higher still"),
    finished(4, 20, crash, { target: 4, outcome: "crash", reason: "exit code 1: loss is NaN" }),
    proposed(5, 21, "DEPTH 8 → 10", "more layers"),
  ];
}

export function runLog(n: number, value: number | undefined): string {
  const lines = [`experiment ${n}: python train.py`, "num_params: 124M"];
  for (let step = 0; step < 120; step++)
    lines.push(
      `step ${String(step).padStart(5, "0")} | loss: ${(3 - step / 100).toFixed(6)} | dt: 312ms`,
    );
  if (value === undefined)
    lines.push("Traceback (most recent call last):", "ValueError: loss is NaN");
  else lines.push("---", `val_bpb:          ${value.toFixed(6)}`, "peak_vram_mb:     45060.2");
  return `${lines.join("\n")}\n`;
}

function result(n: number, run: RunSummary, log: string): Result {
  return {
    version: 1,
    experiment: String(n),
    session: "s1",
    candidate_sha: `sha${n}`,
    base_sha: "sha-base",
    status: run.status,
    metrics: run.metrics,
    ignored_metrics: {},
    exit_code: run.exit_code,
    signal: run.signal,
    wall_s: run.wall_s,
    started_at: at(n),
    ended_at: at(n + 5),
    log_tail: log.split("\n").slice(-5).join("\n"),
    locked_hashes: { "prepare.py": "abc123" },
    runner: { name: "local", os: "linux", labels: [] },
  };
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Writes one experiment's folder the way the engine and runner do. */
export function writeExperiment(sessionDir: string, n: number, run?: RunSummary): void {
  const dir = join(sessionDir, `exp-${n}`);
  const lr = (0.04 + n / 100).toFixed(2);
  write(join(dir, "files", "train.py"), `import torch\nMATRIX_LR = ${lr}\nDEPTH = 8\n`);
  write(
    join(dir, "diff.patch"),
    `diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,3 +1,3 @@\n import torch\n-MATRIX_LR = 0.04\n+MATRIX_LR = ${lr}\n DEPTH = 8\n`,
  );
  write(
    join(dir, "proposal.json"),
    `${JSON.stringify({ experiment: n, proposer: "llm" }, null, 2)}\n`,
  );
  if (!run) return;
  const value = run.metrics.val_bpb;
  const log = runLog(n, value);
  write(join(dir, "run.log"), log);
  write(join(dir, "result.json"), `${JSON.stringify(result(n, run, log), null, 2)}\n`);
  write(join(dir, "out", "metrics.json"), JSON.stringify(run.metrics));
  const traces = [1, 2, 3].map((t) =>
    JSON.stringify({ task_id: `task-${t}`, score: t / 4, output: `answer ${t} of exp ${n}` }),
  );
  write(join(dir, "out", "traces", "tasks.jsonl"), `${traces.join("\n")}\n`);
}

const made: string[] = [];

/** Deletes every archive this test file built; for afterAll. */
export function removeArchives(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

export function buildArchive(): ArchiveFixture {
  const root = mkdtempSync(join(tmpdir(), "autoopt-archive-"));
  made.push(root);
  const sessionDir = join(root, ".autoopt", "s1");
  const events = sessionEvents();
  const runs = new Map<number, RunSummary>();
  for (const e of events) if (e.type === "finished") runs.set(e.experiment, e.run);
  for (let n = 1; n <= 5; n++) writeExperiment(sessionDir, n, runs.get(n));
  write(join(root, "outside", "secret.txt"), `${SECRETS.outside}\n`);
  write(join(sessionDir, "worktrees", "exp-5", "train.py"), `${SECRETS.worktree}\n`);
  write(join(sessionDir, "session.lock"), `${SECRETS.lock}\n`);
  write(join(sessionDir, "exp-3", "heldout.json"), `${SECRETS.heldout}\n`);
  write(join(sessionDir, "exp-2", "proposal.json.123.tmp"), `${SECRETS.tmp}\n`);
  // Links planted inside the archive that lead out of it, or into what it hides.
  symlinkSync(join(root, "outside", "secret.txt"), join(sessionDir, "exp-2", "leak.txt"));
  symlinkSync(join(root, "outside"), join(sessionDir, "exp-2", "leakdir"));
  symlinkSync("../session.lock", join(sessionDir, "exp-2", "lock-link"));
  symlinkSync("../worktrees", join(sessionDir, "exp-2", "worktrees-link"));
  // A link that stays inside is fine to follow.
  symlinkSync("run.log", join(sessionDir, "exp-2", "log-link"));
  const fixture: ArchiveFixture = {
    root,
    sessionDir,
    events,
    state: replay(events),
    heldout: "exp-3/heldout.json",
    append(...more) {
      events.push(...more);
      fixture.state = replay(events);
      writeLedger(sessionDir, fixture.state, events);
    },
  };
  writeLedger(sessionDir, fixture.state, events);
  return fixture;
}

function writeLedger(sessionDir: string, state: SessionState, events: LedgerEvent[]): void {
  write(join(sessionDir, "ledger.jsonl"), events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  write(join(sessionDir, "results.tsv"), resultsTsv(state));
}
