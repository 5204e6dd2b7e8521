// `node bench/parallel-scaling.ts [K…]`: how throughput scales with `session.parallel`, for the
// local engine and for the App, with K = 1, 4 and 16 simulated runners (or the Ks given).
//   throughput(K) = proposals finished / time from the baseline's end to the session's end
//   efficiency(K) = throughput(K) / (K × throughput(1))          goal ≥ 0.95 at K = 16
// Each K runs ROUNDS × K proposals after one baseline, every run ending when its budget has passed.
// (a) local: `autoopt run` (runCommand) on a temporary git repository, the search proposer, a
//     train.py that sleeps its budget, `session.parallel: K`, on the wall clock.
// (b) App: the real Probot App and GitHubSessions against the fake GitHub of test/app/full-loop,
//     on a simulated clock: a dispatched run ends `budget` after its dispatch, its runner work
//     (the action's own code on a checkout) is done off the clock, and its workflow_run webhook
//     is delivered then; each delivery's real wall time is the App's time on the clock, one
//     delivery at a time, so runs dispatched by a delivery start when it is done.
// `BENCH_LOCAL_ONLY=1` measures (a) alone and writes no report.
// Child processes are counted by patching node:child_process (syncBuiltinESMExports), so that
// git, bubblewrap and interpreter starts per experiment are known. Writes
// docs/benchmarks/parallel-scaling.md.
import { AsyncLocalStorage } from "node:async_hooks";
import { execFileSync } from "node:child_process";
import { tracingChannel } from "node:diagnostics_channel";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { runCommand } from "../src/cli/commands/run.ts";
import { ArchiveWriter } from "../src/engine/archive-writer.ts";
import { LedgerFile } from "../src/engine/ledger-file.ts";
import { LedgerSeal } from "../src/engine/ledger-seal.ts";
import { LocalExecutor } from "../src/engine/local-executor.ts";
import { LocalLauncher } from "../src/engine/local-launcher.ts";
import { LocalLedgerStore } from "../src/engine/local-ledger-store.ts";
import { LocalProposals } from "../src/engine/local-proposals.ts";
import { Mutex } from "../src/engine/mutex.ts";
import { Proposing } from "../src/engine/proposing.ts";
import { RecordCheck } from "../src/engine/record-check.ts";
import { GitHubApi } from "../src/forge/github/github-api.ts";
import { LocalForge } from "../src/forge/local/local-forge.ts";
import { probeBubblewrap } from "../src/sandbox/index.ts";
import {
  configYml,
  FullLoop,
  runCompleted,
  SESSION,
} from "../test/app/full-loop/full-loop-harness.ts";
import { commentCreated } from "../test/app/handlers/comment-payloads.ts";
import type { FakeRun } from "../test/app/session/session-shapes.ts";
import { commitBenchRepo, revision } from "./bench-repo.ts";

const KS = process.argv.slice(2).map(Number);
const PARALLEL = KS.length > 0 ? KS : [1, 4, 16];
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONTAINMENT = process.env.BENCH_CONTAINMENT ?? "auto";
const GOAL = 0.95;
const OUT = fileURLToPath(new URL("../docs/benchmarks/parallel-scaling.md", import.meta.url));

// ---- child processes, counted ------------------------------------------------------------

interface Spawned {
  what: string;
  ms: number;
  /** Started while the driver's mutex was held: inside its serial step. */
  inStep: boolean;
  /** How long starting it held up this process's one thread (a fork copies its page tables). */
  startMs: number;
}
const spawned: Spawned[] = [];
let counting = false;
/**
 * The driver step holding the mutex now, and the one each async context descends from: a process
 * counts as the step's when it is started by the step that still holds the mutex (a run or a
 * proposal started by an earlier step is a task of its own).
 */
let stepping: object | undefined;
const stepOf = new AsyncLocalStorage<object>();
const inStep = () => stepping !== undefined && stepOf.getStore() === stepping;
{
  const cp = createRequire(import.meta.url)("node:child_process");
  const name = (file: string, args: readonly unknown[] | undefined) => {
    const base = String(file).split("/").at(-1) ?? String(file);
    if (base !== "git") return base;
    const sub = (args ?? []).find(
      (a, i, all) =>
        typeof a === "string" && !a.startsWith("-") && all[i - 1] !== "-c" && all[i - 1] !== "-C",
    );
    return `git ${String(sub)}`;
  };
  const { execFile, spawn, execFileSync: execSync } = cp;
  /** `start` wrapped so that each child it makes while counting is listed with its lifetime. */
  const timed =
    (start: (file: string, ...rest: unknown[]) => { once(e: "close", f: () => void): void }) =>
    (file: string, ...rest: unknown[]) => {
      const args = Array.isArray(rest[0]) ? rest[0] : undefined;
      const t = performance.now();
      const child = start(file, ...rest);
      if (counting) {
        const startMs = performance.now() - t;
        const entry = { what: name(file, args), ms: 0, inStep: inStep(), startMs };
        spawned.push(entry);
        child.once("close", () => {
          entry.ms = performance.now() - t;
        });
      }
      return child;
    };
  // git processes started for autoopt by its starter process are announced on this channel.
  const started = new WeakMap<object, { t: number; entry: Spawned }>();
  tracingChannel<unknown, { args: readonly string[] }>("autoopt:git").subscribe({
    start(context) {
      if (!counting) return;
      const entry = { what: name("git", context.args), ms: 0, inStep: inStep(), startMs: 0 };
      spawned.push(entry);
      started.set(context, { t: performance.now(), entry });
    },
    end() {},
    asyncStart() {},
    asyncEnd(context) {
      const s = started.get(context);
      if (s !== undefined) s.entry.ms = performance.now() - s.t;
    },
    error() {},
  });
  cp.execFile = timed(execFile);
  cp.spawn = timed(spawn);
  cp.execFileSync = (file: string, ...rest: unknown[]) => {
    const args = Array.isArray(rest[0]) ? rest[0] : undefined;
    const t = performance.now();
    try {
      return execSync(file, ...rest);
    } finally {
      if (counting) {
        const ms = performance.now() - t;
        spawned.push({ what: name(file, args), ms, inStep: inStep(), startMs: ms });
      }
    }
  };
  syncBuiltinESMExports();
}

// ---- where the time goes: methods timed (ms summed over calls, which may overlap) ----------

const timings = new Map<string, { ms: number; calls: number }>();
/** The same, for calls made by the driver step holding the mutex. */
const stepTimings = new Map<string, { ms: number; calls: number }>();
/**
 * Wraps methods of `proto` to time them. A `detached` method is a task of its own (a run, a
 * proposal): what it does is not the step's that started it.
 */
function timeMethods(
  proto: object,
  label: string,
  only?: readonly string[],
  detached = false,
): void {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor" || (only !== undefined && !only.includes(name))) continue;
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d === undefined || typeof d.value !== "function") continue;
    const f = d.value as (...a: unknown[]) => unknown;
    Object.defineProperty(proto, name, {
      ...d,
      value: function (this: unknown, ...args: unknown[]) {
        const t = performance.now();
        const step = !detached && inStep();
        const done = () => {
          if (!counting) return;
          const k = `${label}.${name}`;
          for (const map of step ? [timings, stepTimings] : [timings]) {
            const e = map.get(k) ?? { ms: 0, calls: 0 };
            e.ms += performance.now() - t;
            e.calls += 1;
            map.set(k, e);
          }
        };
        const out = detached ? stepOf.exit(() => f.apply(this, args)) : f.apply(this, args);
        if (out instanceof Promise) return out.finally(done);
        done();
        return out;
      },
    });
  }
}
/** Set while Proposing.make calls its own queue's `run`, which is no driver step. */
let queueing = false;
// The driver's steps run one at a time under its mutex: the time it is held is the serial part.
// Proposing's queue (one proposal at a time) is a mutex too, timed apart: it runs beside the step.
{
  const run = Mutex.prototype.run;
  Mutex.prototype.run = function <T>(this: Mutex, section: () => Promise<T>): Promise<T> {
    const label = queueing ? "proposal queue (mutex held)" : "driver step (mutex held)";
    const driver = !queueing;
    return run.call<Mutex, [() => Promise<T>], Promise<T>>(this, async (): Promise<T> => {
      const t = performance.now();
      const step = {};
      if (driver) stepping = step;
      try {
        return driver ? await stepOf.run(step, section) : await section();
      } finally {
        if (driver) stepping = undefined;
        if (counting) {
          const e = timings.get(label) ?? { ms: 0, calls: 0 };
          e.ms += performance.now() - t;
          e.calls += 1;
          timings.set(label, e);
        }
      }
    });
  } as typeof run;
  const make = Proposing.prototype.make;
  Proposing.prototype.make = function (this: Proposing, ...args: Parameters<typeof make>) {
    queueing = true;
    try {
      return make.apply(this, args);
    } finally {
      queueing = false;
    }
  };
}
timeMethods(LocalForge.prototype, "LocalForge");
timeMethods(RecordCheck.prototype, "RecordCheck");
timeMethods(LocalLedgerStore.prototype, "ledger");
timeMethods(ArchiveWriter.prototype, "archive");
timeMethods(Proposing.prototype, "Proposing", ["make"], true);
timeMethods(LocalExecutor.prototype, "LocalExecutor", ["execute"], true);
timeMethods(LedgerFile.prototype, "LedgerFile", ["append"]);
timeMethods(LedgerSeal.prototype, "LedgerSeal", ["check"]);
timeMethods(LocalLauncher.prototype, "LocalLauncher", ["launch"]);
timeMethods(LocalProposals.prototype, "LocalProposals", ["saved"]);
timeMethods(GitHubApi.prototype, "GitHubApi");

function timingFigures(
  experiments: number,
  from: ReadonlyMap<string, { ms: number; calls: number }> = timings,
): [string, number, number][] {
  return [...from]
    .map(([k, v]): [string, number, number] => [k, v.ms / experiments, v.calls / experiments])
    .sort((a, b) => b[1] - a[1]);
}

/** CPU seconds of this process and of its waited-for children, from /proc/self/stat. */
function cpuSeconds(): { self: number; children: number } {
  const usage = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of stat(5) (cutime, cstime), counted from after the command name.
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    children = Number.NaN;
  }
  return { self: (usage.user + usage.system) / 1e6, children };
}

interface Measured {
  k: number;
  proposals: number;
  /** Runs after the baseline: the proposals and any re-based re-runs. */
  runs: number;
  /** Seconds on the window's clock (wall time locally, simulated time for the App). */
  window: number;
  throughput: number;
  /** Mean runs in flight over the window. */
  inFlight: number;
  /** Child processes started per experiment, by program (git by subcommand). */
  processes: Map<string, number>;
  /** Those of them started inside the driver's serial step. */
  stepProcesses: Map<string, number>;
  /** ms per experiment this process's thread spent starting child processes. */
  startMs: number;
  /** This process's resident memory at the end, MB (what a fork copies the page tables of). */
  rssMb: number;
  processMs: number;
  /** [what, ms per experiment, calls per experiment] */
  timed: [string, number, number][];
  /** The same, for calls made by the driver's serial step. */
  stepTimed: [string, number, number][];
  cpuPerExperiment: { self: number; children: number };
  /** App only: real wall time of the App's deliveries per experiment, ms. */
  appMs?: number;
  appMsP95?: number;
  wall: number;
}

// ---- (a) the local engine -------------------------------------------------------------------

const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
  encoding: "utf8",
}).trim();

// Sixteen constants, so that the search proposer has enough new things to try with 16 in flight
// (two constants run dry after about ten proposals).
const KNOBS = Array.from({ length: 16 }, (_, i) => i);
const knobLines = KNOBS.map((i) => `P${i} = 1.0`).join("\n");
const scoreExpr = `1 + ${KNOBS.map((i) => `(P${i} - ${(1.5 + (i % 5) * 0.35).toFixed(2)}) ** 2`).join(" + ")}`;
/** train.py for the App's fake runner: no sleep, its budget passes on the simulated clock. */
const TRAIN_APP = `${knobLines}

score = ${scoreExpr}
print("---")
print(f"score: {score}")
`;
const TRAIN = `import os, time
t_start = time.time()
${knobLines}
time.sleep(float(os.environ["AUTOOPT_BUDGET_S"]))
print("---")
print(f"score:      {${scoreExpr}:.6f}")
print(f"t_start:    {t_start:.6f}")
print(f"t_end:      {time.time():.6f}")
`;

async function local(k: number): Promise<Measured> {
  const proposals = ROUNDS * k;
  const dir = mkdtempSync(join(tmpdir(), "autoopt-scaling-"));
  try {
    const files: Record<string, string> = {
      "train.py": TRAIN,
      "program.md": "# bench\n",
      "autoopt.yml": `version: 1
editable: [train.py]
run: { command: ${python} train.py, budget: ${BUDGET_S}s, grace: 10s }
metric: { name: score, goal: minimize }
session: { max_experiments: ${proposals}, parallel: ${k} }
sandbox: { containment: ${CONTAINMENT} }
`,
    };
    commitBenchRepo(dir, files);

    spawned.length = 0;
    timings.clear();
    stepTimings.clear();
    counting = true;
    const cpu0 = cpuSeconds();
    const start = Date.now() / 1000;
    const { dir: sessionDir, reason } = await runCommand({
      cwd: dir,
      env: process.env,
      session: "bench",
      out: { write: () => undefined },
      tty: false,
      signal: new AbortController().signal,
    });
    const end = Date.now() / 1000;
    const cpu1 = cpuSeconds();
    counting = false;

    const runs = readdirSync(sessionDir)
      .filter((d) => d.startsWith("exp-"))
      .map((d) => ({
        n: Number(d.slice(4)),
        r: JSON.parse(readFileSync(join(sessionDir, d, "result.json"), "utf8")) as {
          metrics: Record<string, number>;
        },
      }))
      .map(({ n, r }) => ({
        n,
        start: r.metrics.t_start ?? Number.NaN,
        end: r.metrics.t_end ?? Number.NaN,
      }))
      .sort((a, b) => a.n - b.n);
    const baseline = runs[0];
    // Re-based runs (a winner re-run on a ratchet that moved meanwhile) are runs too.
    if (baseline === undefined || runs.length < proposals + 1)
      throw new Error(
        `expected ${proposals + 1} runs, found ${runs.length} (stopped: ${reason}); ${sessionDir}:\n${readFileSync(join(sessionDir, "results.tsv"), "utf8")}`,
      );
    const window = end - baseline.end;
    const busy = runs.slice(1).reduce((s, r) => s + (r.end - r.start), 0);
    return {
      k,
      proposals,
      runs: runs.length - 1,
      window,
      throughput: (runs.length - 1) / window,
      inFlight: busy / window,
      ...processFigures(runs.length),
      cpuPerExperiment: {
        self: (cpu1.self - cpu0.self) / runs.length,
        children: (cpu1.children - cpu0.children) / runs.length,
      },
      wall: end - start,
    };
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function processFigures(
  experiments: number,
): Pick<
  Measured,
  "processes" | "stepProcesses" | "processMs" | "timed" | "stepTimed" | "startMs" | "rssMb"
> {
  const processes = new Map<string, number>();
  const stepProcesses = new Map<string, number>();
  let ms = 0;
  let startMs = 0;
  for (const s of spawned) {
    startMs += s.startMs;
    processes.set(s.what, (processes.get(s.what) ?? 0) + 1 / experiments);
    if (s.inStep) stepProcesses.set(s.what, (stepProcesses.get(s.what) ?? 0) + 1 / experiments);
    if (!s.what.startsWith("python") && s.what !== "bwrap") ms += s.ms;
  }
  const timed = timingFigures(experiments);
  const stepTimed = timingFigures(experiments, stepTimings);
  timings.clear();
  stepTimings.clear();
  return {
    processes,
    stepProcesses,
    processMs: ms / experiments,
    timed,
    stepTimed,
    startMs: startMs / experiments,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

// ---- (b) the App, on a simulated clock --------------------------------------------------------

async function app(k: number, proposals = ROUNDS * k): Promise<Measured> {
  nock.disableNetConnect();
  const loop = await FullLoop.create(
    configYml(`{ max_experiments: ${proposals}, parallel: ${k} }`),
    { "train.py": TRAIN_APP },
  );
  try {
    const ends = new Map<number, number>(); // run id → simulated end
    let appFree = 0;
    const deliveries: number[] = [];
    let counted = 0;
    let cpuSelf = 0;
    let cpuChildren = 0;
    spawned.length = 0;
    timings.clear();
    stepTimings.clear();
    const timed = async (deliver: () => Promise<void>, at: number) => {
      const from = Math.max(at, appFree);
      counting = true;
      const c0 = cpuSeconds();
      const t = performance.now();
      await deliver();
      const ms = performance.now() - t;
      const c1 = cpuSeconds();
      counting = false;
      cpuSelf += c1.self - c0.self;
      cpuChildren += c1.children - c0.children;
      deliveries.push(ms);
      appFree = from + ms / 1000;
      for (const run of loop.queuedRuns())
        if (!ends.has(run.id)) ends.set(run.id, appFree + BUDGET_S);
    };
    const wall0 = performance.now();
    await timed(() => loop.deliver("issue_comment", commentCreated({ body: "/autoopt start" })), 0);
    let baselineEnd = Number.NaN;
    let lastDone = 0;
    const executed = new Set<number>();
    for (;;) {
      const next = loop
        .queuedRuns()
        .filter((r) => !executed.has(r.id))
        .sort((a, b) => (ends.get(a.id) ?? 0) - (ends.get(b.id) ?? 0))[0];
      if (next === undefined) break;
      executed.add(next.id);
      const end = ends.get(next.id) ?? 0;
      // The runner's own work, off the clock: it happens on the runner within the budget.
      const ran = await loop.execute(next as FakeRun);
      if (ran.result.status !== "ok") throw new Error(ran.lines.join("\n"));
      await timed(() => loop.deliver("workflow_run", runCompleted(next as FakeRun)), end);
      counted += 1;
      if (Number.isNaN(baselineEnd)) baselineEnd = end;
      lastDone = appFree;
    }
    const wall = (performance.now() - wall0) / 1000;
    if (loop.repo.unexpected.length > 0) throw new Error(loop.repo.unexpected.join("\n"));
    if (!loop.ledger().some((e) => e.type === "stopped"))
      throw new Error("the session never stopped");
    const finished = loop.finished(SESSION).length;
    if (finished < proposals + 1 || counted !== finished)
      throw new Error(`expected ${proposals + 1} runs, finished ${finished}, delivered ${counted}`);
    const window = lastDone - baselineEnd;
    const perRun = deliveries.reduce((a, b) => a + b, 0) / finished;
    const sorted = [...deliveries].sort((a, b) => a - b);
    return {
      k,
      proposals,
      runs: finished - 1,
      window,
      throughput: (finished - 1) / window,
      inFlight: ((finished - 1) * BUDGET_S) / window,
      ...processFigures(finished),
      cpuPerExperiment: { self: cpuSelf / finished, children: cpuChildren / finished },
      appMs: perRun,
      appMsP95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0,
      wall,
    };
  } finally {
    loop.dispose();
    nock.enableNetConnect();
  }
}

// ---- report -------------------------------------------------------------------------------------

function table(rows: Measured[], clock: string): string[] {
  const one = rows.find((r) => r.k === 1);
  const eff = (r: Measured) =>
    one === undefined ? Number.NaN : r.throughput / (r.k * one.throughput);
  const ideal = (r: Measured) => r.k / BUDGET_S;
  return [
    `| K | proposals | runs after the baseline | window (${clock}) | throughput (experiments/s) | ideal K/budget | mean runs in flight | **efficiency** | goal (≥ ${GOAL} at 16) |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.k} | ${r.proposals} | ${r.runs} | ${r.window.toFixed(2)} s | ${r.throughput.toFixed(3)} | ${ideal(r).toFixed(3)} | ${r.inFlight.toFixed(2)} | **${eff(r).toFixed(3)}** | ${r.k === 16 ? (eff(r) >= GOAL ? "✅" : "❌") : ""} |`,
    ),
  ];
}

function timedTable(rows: Measured[], inStep = false): string[] {
  const timed = (r: Measured) => (inStep ? r.stepTimed : r.timed);
  const names = [
    ...new Set(
      rows.flatMap((r) =>
        timed(r)
          .slice(0, 12)
          .map(([n]) => n),
      ),
    ),
  ];
  return [
    `| ms per experiment (calls) | ${rows.map((r) => `K = ${r.k}`).join(" | ")} |`,
    `|---|${rows.map(() => "---|").join("")}`,
    ...names.map(
      (n) =>
        `| ${n} | ${rows
          .map((r) => {
            const t = timed(r).find(([m]) => m === n);
            return t === undefined ? "" : `${t[1].toFixed(1)} (${t[2].toFixed(1)})`;
          })
          .join(" | ")} |`,
    ),
  ];
}

/** The processes of a map, most first: `name count, …`. */
function topProcesses(m: ReadonlyMap<string, number>, n = 8): string {
  return [...m]
    .sort(([, a], [, b]) => b - a)
    .slice(0, n)
    .map(([w, c]) => `${w} ${c.toFixed(1)}`)
    .join(", ");
}

/** git processes per experiment in a map. */
function gitCount(m: ReadonlyMap<string, number>): number {
  return [...m].reduce((sum, [w, c]) => (w.startsWith("git") ? sum + c : sum), 0);
}

function profile(rows: Measured[], app: boolean): string[] {
  return [
    app
      ? "| K | App wall per experiment (mean / p95 delivery) | CPU per experiment: node / children | processes per experiment (in deliveries) | their wall time per experiment | git per experiment: all / in the serial step | in the serial step | node's thread held up starting them, per experiment (RSS) |"
      : "| K | session wall | CPU per experiment: node / children | processes per experiment | git etc. wall time per experiment (summed, overlapping) | git per experiment: all / in the serial step | in the serial step | node's thread held up starting them, per experiment (RSS) |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.k} | ${app ? `${(r.appMs ?? 0).toFixed(0)} ms / ${(r.appMsP95 ?? 0).toFixed(0)} ms` : `${r.wall.toFixed(1)} s`} | ${(r.cpuPerExperiment.self * 1000).toFixed(0)} ms / ${(r.cpuPerExperiment.children * 1000).toFixed(0)} ms | ${topProcesses(r.processes)} | ${r.processMs.toFixed(0)} ms | ${gitCount(r.processes).toFixed(1)} / ${gitCount(r.stepProcesses).toFixed(1)} | ${topProcesses(r.stepProcesses)} | ${r.startMs.toFixed(0)} ms (${r.rssMb.toFixed(0)} MB) |`,
    ),
  ];
}

/** One line for the terminal: what a K came to, against K = 1's throughput. */
function summary(r: Measured, one: Measured | undefined): string {
  const held = r.timed.find(([n]) => n === "driver step (mutex held)")?.[1] ?? 0;
  const efficiency = one === undefined ? Number.NaN : r.throughput / (r.k * one.throughput);
  const inStep = r.stepTimed
    .slice(0, 10)
    .map(([n, ms, calls]) => `${n} ${ms.toFixed(1)} (${calls.toFixed(1)})`)
    .join(", ");
  return `K=${r.k}: efficiency ${efficiency.toFixed(3)}, serial step ${held.toFixed(1)} ms per experiment, ${r.startMs.toFixed(0)} ms per experiment starting processes (RSS ${r.rssMb.toFixed(0)} MB), git ${gitCount(r.processes).toFixed(1)} per experiment (all: ${topProcesses(r.processes, 20)}; ${gitCount(r.stepProcesses).toFixed(1)} in the step: ${topProcesses(r.stepProcesses, 12)}); in the step, ms (calls) per experiment: ${inStep}`;
}

/** Share of the window the driver's serial step was busy (its mutex held). */
function serialShare(r: Measured): number {
  const held = r.timed.find(([n]) => n === "driver step (mutex held)")?.[1] ?? 0;
  return (held * (r.runs + 1)) / 1000 / r.window;
}

function findings(localRows: Measured[], appRows: Measured[]): string[] {
  const l = localRows.at(-1);
  const a = appRows.at(-1);
  if (l === undefined || a === undefined) return [];
  const held = (r: Measured) => r.timed.find(([n]) => n === "driver step (mutex held)")?.[1] ?? 0;
  const git = (r: Measured) => r.timed.find(([n]) => n === "LocalForge.git")?.[1] ?? 0;
  return [
    "## Where the time goes",
    "",
    `- **Local, K = ${l.k}**: the driver's steps (recording a run's end, committing and recording a`,
    `  proposal, their effects) run one at a time under its mutex, and held it ${held(l).toFixed(0)} ms per run`,
    `  (${held(localRows[0] ?? l).toFixed(0)} ms at K = ${localRows[0]?.k}): ${(serialShare(l) * 100).toFixed(0)} % of the window. K / budget = ${(l.k / BUDGET_S).toFixed(0)} runs a second would need`,
    `  ${((l.k / BUDGET_S) * held(l)).toFixed(0)} ms of serial work a second, so the slots wait for the step and fewer than K runs are in flight`,
    `  (mean ${l.inFlight.toFixed(1)}). The step is mostly git processes (${git(l).toFixed(0)} ms and ${(l.timed.find(([n]) => n === "LocalForge.git")?.[2] ?? 0).toFixed(1)} git calls per run, in and out of the step):`,
    "  the candidate's commit through a temporary index (`LocalForge.commitCandidate`: read-tree,",
    "  update-index, write-tree, commit-tree), the record check of the run's commit",
    "  (`RecordCheck.experiment` → `commitParents`), ref reads (`resolve`), the proposal's diff for",
    "  the archive (`LocalProposals.saved` → `LocalForge.diff`, an effect awaited inside the step), the",
    `  ledger's fsync'd append. On ${cpus().length} cores the per-run cost itself grows with K (git processes and the`,
    "  runs' own interpreter and sandbox starts compete for the CPUs), which is why the step's time",
    "  per run rises from K = 1 to K = 16. Proposal time (`Proposing.make`, the search proposer) runs",
    "  beside the step, not in it.",
    `- **App, K = ${a.k}**: deliveries are handled one at a time for a session, and each took ${(a.appMs ?? 0).toFixed(0)} ms of`,
    `  real time (${((((a.appMs ?? 0) * (a.runs + 1)) / 1000 / a.window) * 100).toFixed(0)} % of the simulated window), so the App, not the runners, sets the pace once`,
    `  K × delivery time approaches the budget (${a.k} × ${((a.appMs ?? 0) / 1000).toFixed(2)} s vs ${BUDGET_S} s). About half of a delivery is the fake`,
    "  GitHub's own work in the same process (git hash-object / mktree / commit-tree for every blob,",
    "  tree and commit, nock, the OpenAPI checks: `GitHubApi.createTree` and `createCommit` dominate).",
    "  Against the real GitHub the delivery's time is instead ~10 sequential requests' latency, so",
    "  a session's serial time per experiment is larger, not smaller, than here.",
    "- Both bottlenecks are a fixed serial cost per experiment; efficiency stays near 1 while",
    `  K × serial cost ≪ budget. With the default 5-minute budget, K = 16 needs ${((16 / 300) * held(l)).toFixed(0)} ms of local serial`,
    "  work a second (about 1 %), so the shortfall here is an artefact of the 2 s budget on 2 cores;",
    "  the figures say how short a budget K can carry: about K ≤ budget / (2 × serial cost per run).",
    "",
  ];
}

async function main(): Promise<void> {
  const localRows: Measured[] = [];
  const appRows: Measured[] = [];
  for (const k of PARALLEL) {
    localRows.push(await local(k));
    process.stderr.write(
      `local K=${k}: ${JSON.stringify({ ...localRows.at(-1), processes: undefined, stepProcesses: undefined })}\n`,
    );
    process.stderr.write(
      `local ${summary(
        localRows.at(-1) as Measured,
        localRows.find((r) => r.k === 1),
      )}\n`,
    );
  }
  // `BENCH_LOCAL_ONLY=1`: the local engine's figures on the terminal, and no report written.
  if (process.env.BENCH_LOCAL_ONLY !== undefined) return;
  // A short session first, unmeasured, so that the App's figures are not its start-up's (JIT).
  await app(1, 2);
  for (const k of PARALLEL) {
    appRows.push(await app(k));
    process.stderr.write(
      `app K=${k}: ${JSON.stringify({ ...appRows.at(-1), processes: undefined, stepProcesses: undefined })}\n`,
    );
    process.stderr.write(
      `app ${summary(
        appRows.at(-1) as Measured,
        appRows.find((r) => r.k === 1),
      )}\n`,
    );
  }
  const cpu = cpus();
  const containment =
    CONTAINMENT === "none"
      ? "none (`sandbox: { containment: none }`)"
      : probeBubblewrap() === undefined
        ? "bubblewrap"
        : "none (bubblewrap cannot run here)";
  const report = [
    "# Parallel scaling",
    "",
    `Measured by \`node bench/parallel-scaling.ts\` on ${new Date().toISOString().slice(0, 10)} at ${revision()}:`,
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}.`,
    "",
    `For each K, one session with \`session.parallel: K\`: 1 baseline, then ${ROUNDS} × K proposals`,
    `(search proposer), every run ending when its ${BUDGET_S} s budget has passed.`,
    "",
    "- **throughput(K)** = runs finished / window, the window running from the baseline's end",
    "  (the baseline runs alone) to the session's end; ideally K / budget. Runs are the proposals",
    "  and the re-based re-runs of winners whose ratchet moved while they ran (parallel only).",
    "- **efficiency(K)** = throughput(K) / (K × throughput(1)). Goal: ≥ 0.95 at K = 16.",
    "",
    "## (a) Local engine",
    "",
    `\`autoopt run\` (runCommand) on a temporary git repository; train.py sleeps its budget; every run`,
    `contained: ${containment}. Wall clock.`,
    "",
    ...table(localRows, "wall"),
    "",
    ...profile(localRows, false),
    "",
    "Where the time goes (methods timed in the bench; a method's time includes its callees', and",
    "calls overlap across runs; `driver step (mutex held)` is the serial part: the driver's steps",
    "run one at a time):",
    "",
    ...timedTable(localRows),
    "",
    "The same, for the calls the serial step makes itself (those of runs and proposals started by",
    "an earlier step are theirs, not the step's):",
    "",
    ...timedTable(localRows, true),
    "",
    "## (b) App",
    "",
    "The real Probot App and GitHubSessions against the fake GitHub of test/app/full-loop (nock,",
    "every request and answer checked against GitHub's OpenAPI description, git objects written",
    "as real commits by git processes), on a **simulated clock**: a dispatched run ends `budget`",
    "after the delivery that dispatched it is done; the runner's work (the action's code on a",
    "checkout) happens off the clock, as it would on a runner; its `workflow_run.completed` is then",
    "delivered, and the delivery's **real** wall time (recording, proposing, dispatching, the",
    "status comment) advances the clock. Deliveries are handled one at a time (one session).",
    "The App's time therefore includes the fake GitHub's own work in the same process.",
    "",
    ...table(appRows, "simulated"),
    "",
    ...profile(appRows, true),
    "",
    ...timedTable(appRows),
    "",
    ...findings(localRows, appRows),
  ].join("\n");
  writeFileSync(OUT, report);
  process.stdout.write(report);
}

await main();
