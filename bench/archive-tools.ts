// `node bench/archive-tools.ts`: latency of the archive tools on a synthetic session of 1,000
// experiments (diff ~2 KB, proposal.json ~1 KB, result.json ~3 KB, run.log 20–60 KB, traces),
// with the system's `grep -rn` over the same files for comparison. Goal: grep and sql < 100 ms.
// Writes docs/benchmarks/archive-tools.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { ArchiveIndex, ArchiveTools } from "../src/archive/index.ts";
import { type LedgerEvent, type RunSummary, replay } from "../src/core/index.ts";
import { at, picker, seededRandom, write } from "./synthetic.ts";

const EXPERIMENTS = Number(process.env.BENCH_EXPERIMENTS ?? 1000);
const CALLS = 20;

const random = seededRandom(42);
const pick = picker(random);

const KNOBS = ["MATRIX_LR", "EMBED_LR", "WARMUP_STEPS", "DEPTH", "N_HEADS", "WEIGHT_DECAY"];
const FAILURES = ["loss is NaN", "CUDA out of memory", "AssertionError: shape mismatch"];

function runLog(n: number, value: number | undefined): string {
  const steps = 150 + Math.floor(random() * 300); // 20–60 KB at ~135 bytes a line
  const lines = [`experiment ${n}: uv run train.py`, "num_params_M: 124.4", "depth: 8"];
  for (let i = 0; i < steps; i++) {
    const loss = (3.2 - (2.2 * i) / steps + random() * 0.05).toFixed(6);
    lines.push(
      `step ${String(i).padStart(5, "0")} (${((100 * i) / steps).toFixed(2)}%) | loss: ${loss} | lrm: ${(1 - i / steps).toFixed(2)} | dt: ${(300 + random() * 20).toFixed(2)}ms | tok/sec: ${Math.floor(400_000 + random() * 9_999)} | mfu: ${(38 + random()).toFixed(2)}`,
    );
  }
  if (value === undefined)
    lines.push("Traceback (most recent call last):", `RuntimeError: ${pick(FAILURES)}`);
  else lines.push("---", `val_bpb:          ${value.toFixed(6)}`, "peak_vram_mb:     45060.2");
  return `${lines.join("\n")}\n`;
}

const CONTEXT = Array.from(
  { length: 40 },
  (_, i) => ` x_${i} = model.layers[${i % 8}](x)  # context`,
);
const TRACE = { prompt: "Q ".repeat(100), output: "A ".repeat(100) };

function experimentFiles(dir: string, n: number, knob: string, value: number | undefined) {
  const change = [`-${knob} = 0.04`, `+${knob} = ${(random() / 10).toFixed(4)}`];
  const diff = ["diff --git a/train.py b/train.py", "@@ -40,30 +40,30 @@", ...CONTEXT, ...change];
  write(join(dir, "diff.patch"), `${diff.join("\n")}\n`);
  write(join(dir, "files", "train.py"), `import torch\n${knob} = 0.05\n${"# code\n".repeat(120)}`);
  const hypothesis = `Earlier runs flatten after warmup; changing ${knob} should help. `.repeat(10);
  const proposal = { experiment: n, proposer: "llm", description: `${knob} change`, hypothesis };
  write(join(dir, "proposal.json"), JSON.stringify(proposal, null, 2));
  const log = runLog(n, value);
  const status = value === undefined ? "crash" : "ok";
  const result = { version: 1, experiment: String(n), status, log_tail: log.slice(-2_500) };
  write(join(dir, "result.json"), JSON.stringify(result, null, 2));
  write(join(dir, "run.log"), log);
  write(join(dir, "out", "metrics.json"), JSON.stringify({ val_bpb: value ?? null }));
  const traces = [1, 2, 3, 4, 5].map((t) => ({ task_id: `task-${t}`, score: random(), ...TRACE }));
  write(
    join(dir, "out", "traces", "tasks.jsonl"),
    traces.map((t) => `${JSON.stringify(t)}\n`).join(""),
  );
}

/** Ledger events and folders for experiments from..to (experiment 1 is the baseline). */
function addExperiments(sessionDir: string, events: LedgerEvent[], from: number, to: number) {
  for (let n = from; n <= to; n++) {
    const knob = pick(KNOBS);
    const crashed = random() < 0.08;
    const value = crashed ? undefined : 0.97 + random() * 0.03;
    events.push({
      type: "proposed",
      at: at(2 * n),
      experiment: n,
      kind: n === 1 ? "baseline" : "candidate",
      sha: `${n.toString(16).padStart(8, "0")}${"f".repeat(32)}`,
      parent: "base",
      description: `${knob} change`,
      hypothesis: `changing ${knob} helps`,
    });
    const metrics: Record<string, number> =
      value === undefined ? {} : { val_bpb: value, peak_vram_mb: 45_000 + random() * 100 };
    const run: RunSummary = {
      status: crashed ? "crash" : "ok",
      metrics,
      wall_s: 300,
      exit_code: crashed ? 1 : 0,
      signal: null,
    };
    const outcome = n === 1 ? "baseline" : crashed ? "crash" : random() < 0.15 ? "keep" : "discard";
    events.push({
      type: "finished",
      at: at(2 * n + 1),
      experiment: n,
      run,
      decision: { target: n, outcome, reason: outcome, ...(value === undefined ? {} : { value }) },
    });
    experimentFiles(join(sessionDir, `exp-${n}`), n, knob, value);
  }
}

async function time(label: string, calls: (() => Promise<unknown>)[]): Promise<[string, number[]]> {
  const ms: number[] = [];
  for (const call of calls) {
    const start = performance.now();
    await call();
    ms.push(performance.now() - start);
  }
  return [label, ms];
}

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
};
const calls = <T>(args: readonly T[], f: (a: T) => Promise<unknown>) =>
  Array.from({ length: CALLS }, (_, i) => () => f(args[i % args.length] as T));

const root = mkdtempSync(join(tmpdir(), "autoopt-bench-archive-"));
const sessionDir = join(root, ".autoopt", "bench");
const metric = { name: "val_bpb", goal: "minimize" } as const;
const events: LedgerEvent[] = [
  { type: "session", at: at(0), session: "bench", base_sha: "base", metric, settings: {} },
];
addExperiments(sessionDir, events, 1, EXPERIMENTS);
write(join(sessionDir, "ledger.jsonl"), events.map((e) => JSON.stringify(e)).join("\n"));
write(join(sessionDir, "session.lock"), "1234\n");
write(join(sessionDir, "worktrees", "exp-1001", "train.py"), "# a checkout the tools skip\n");
const bytes = Number(execFileSync("du", ["-sb", sessionDir], { encoding: "utf8" }).split("\t")[0]);
const files = Number(
  execFileSync("sh", ["-c", `find '${sessionDir}' -type f | wc -l`], { encoding: "utf8" }),
);

const rows: [string, number[]][] = [];
const index = ArchiveIndex.open(join(sessionDir, "index.sqlite"));
let start = performance.now();
await index.sync(replay(events), sessionDir);
rows.push([`ArchiveIndex.sync, full (${EXPERIMENTS} experiments)`, [performance.now() - start]]);
addExperiments(sessionDir, events, EXPERIMENTS + 1, EXPERIMENTS + 1);
start = performance.now();
const report = await index.sync(replay(events), sessionDir);
rows.push([
  `ArchiveIndex.sync, incremental (+1 experiment: ${report.experiments} row written, documents of ${report.documents} indexed)`,
  [performance.now() - start],
]);

const tools = new ArchiveTools({
  sessionDir,
  index,
  candidate: new Map([["train.py", "import torch\nMATRIX_LR = 0.05\n"]]),
  diff: async () => `diff --git a/train.py b/train.py\n${"+x = 1\n".repeat(300)}`,
  shaOf: (n) => replay(events).experiments[n - 1]?.sha,
});
const RARE = [
  "CUDA out of memory",
  "shape mismatch",
  "zebra_never",
  "bpb:          0.9701",
  "LR = 0.00",
];
const COMMON = ["loss:", "step 0001", "val_bpb"];
const REGEXES = [
  "val_bpb:\\s+0\\.970\\d+",
  "RuntimeError: (CUDA|shape)",
  "loss: 1\\.0[0-2]\\d+ \\| lrm",
  "^\\+DEPTH = 0\\.01",
];
const GREPS: [string, string[], { glob?: string; ignore_case?: boolean }][] = [
  ["grep literal, rare (scans every file)", RARE, {}],
  ["grep literal, common (stops at 50 matches)", COMMON, {}],
  ["grep regex, no glob", REGEXES, {}],
  ['grep regex, glob "*.log"', REGEXES, { glob: "*.log" }],
  ['grep literal, glob "exp-*/diff.patch"', RARE, { glob: "exp-*/diff.patch" }],
  ["grep ignore_case, rare", RARE, { ignore_case: true }],
];
const QUERIES: [string, string[]][] = [
  [
    "sql aggregate",
    [
      "SELECT outcome, count(*), avg(value), min(value) FROM experiments GROUP BY outcome",
      "SELECT name, count(*), avg(value), max(value) FROM metrics GROUP BY name",
      "SELECT task_id, avg(score), max(score) FROM tasks GROUP BY task_id",
    ],
  ],
  [
    "sql join",
    [
      "SELECT e.id, e.description, m.value FROM experiments e JOIN metrics m ON m.experiment = e.id WHERE m.name = 'peak_vram_mb' ORDER BY m.value DESC LIMIT 20",
      "SELECT e.id, e.outcome, avg(t.score) s FROM experiments e JOIN tasks t ON t.experiment = e.id GROUP BY e.id ORDER BY s DESC LIMIT 20",
    ],
  ],
  [
    "sql full-text (documents MATCH)",
    ["'CUDA'", "'shape mismatch'", "'MATRIX_LR'"].map(
      (m) =>
        `SELECT experiment, path, snippet(documents, 2, '[', ']', '…', 8) FROM documents WHERE documents MATCH ${m} LIMIT 50`,
    ),
  ],
];
/** The system's grep over the same files the tools search: not the index, not the worktrees. */
const systemGrep = async (pattern: string) => {
  const skip = ["--exclude=index.sqlite*", "--exclude-dir=worktrees", "--exclude=session.lock"];
  try {
    execFileSync("grep", ["-rnF", ...skip, "--", pattern, sessionDir], { maxBuffer: 1 << 28 });
  } catch {} // grep exits 1 when nothing matches
};

start = performance.now();
await tools.sql({ query: "SELECT 1" });
rows.push(["sql, first call (starts the query process)", [performance.now() - start]]);
start = performance.now();
await tools.grep({ pattern: "zebra_first" });
rows.push([
  "grep, first call (walks every folder; later calls reuse listings)",
  [performance.now() - start],
]);
for (const [label, patterns, extra] of GREPS)
  rows.push(
    await time(
      label,
      calls(patterns, (pattern) => tools.grep({ pattern, ...extra })),
    ),
  );
rows.push(await time("system grep -rn, same rare literals", calls(RARE, systemGrep)));
for (const [label, queries] of QUERIES)
  rows.push(
    await time(
      label,
      calls(queries, (query) => tools.sql({ query })),
    ),
  );
const randomLog = () => `exp-${1 + Math.floor(random() * EXPERIMENTS)}/run.log`;
rows.push(
  await time(
    "read_file (200 lines, varied offsets)",
    calls([1, 101, 201, 301], (offset) => tools.read_file({ path: randomLog(), offset })),
  ),
  await time(
    "list_files (root depth 1 and 2, one experiment depth 3)",
    calls(["", "", "exp-17"], (path) =>
      tools.list_files({ path, depth: path === "" ? 1 + Math.floor(random() * 2) : 3 }),
    ),
  ),
  await time(
    "diff (stub git diff)",
    calls([1, 3, 700], (from) => tools.diff({ from, to: 2 })),
  ),
);
index.close();
rmSync(root, { recursive: true, force: true });

const fmt = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const table = rows.map(([label, ms]) => {
  const { median, p95 } = stats(ms);
  return ms.length === 1
    ? `| ${label} | ${fmt(median)} | — |`
    : `| ${label} | ${fmt(median)} | ${fmt(p95)} |`;
});
const markdown = `# Archive tools

Measured by \`node bench/archive-tools.ts\` on ${new Date().toISOString().slice(0, 10)}: a synthetic session of
${EXPERIMENTS.toLocaleString("en-US")} experiments (${files.toLocaleString("en-US")} files, ${(bytes / 1e6).toFixed(1)} MB: run.log 20–60 KB, diff ~2 KB, proposal.json ~1 KB,
result.json ~3 KB, traces), page cache warm, on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}.
Each tool row is ${CALLS} calls with varied arguments. Goal: grep and sql under 100 ms.

| operation | median ms | p95 ms |
|---|---|---|
${table.join("\n")}
`;
write(join(import.meta.dirname, "..", "docs", "benchmarks", "archive-tools.md"), markdown);
console.log(markdown);
