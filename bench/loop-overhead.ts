// `npm run bench`: the loop's own overhead on a real local session (git worktrees, runner,
// ledger, proposer, the sandbox) with experiments that use their whole 10 s budget.
//   overhead ratio = 1 − Σ(experiment command wall time) / session wall time
//   per-experiment overhead = time from one command's end to the next command's start
// Writes docs/benchmarks/loop-overhead.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../src/cli/commands/run.ts";
import { probeBubblewrap } from "../src/sandbox/index.ts";
import { commitBenchRepo } from "./bench-repo.ts";

const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 10);
const EXPERIMENTS = Number(process.env.BENCH_EXPERIMENTS ?? 10);

const train = `import os, time
t_start = time.time()
X = 1
Y = 0.2
time.sleep(float(os.environ["AUTOOPT_BUDGET_S"]))
print("---")
print(f"score:      {(X - 3) ** 2 + (Y - 0.5) ** 2 + 1:.6f}")
print(f"t_start:    {t_start:.6f}")
print(f"t_end:      {time.time():.6f}")
`;
// The interpreter itself, not a version manager's shim (pyenv's takes ~100 ms to start), so
// that what counts as the loop's time is autoopt's, the sandbox's and python's own start.
const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
  encoding: "utf8",
}).trim();
const dir = mkdtempSync(join(tmpdir(), "autoopt-bench-"));
const files: Record<string, string> = {
  "train.py": train,
  "program.md": "# bench\n",
  "autoopt.yml": `version: 1
editable: [train.py]
run: { command: ${python} train.py, budget: ${BUDGET_S}s, grace: 10s }
metric: { name: score, goal: minimize }
session: { max_experiments: ${EXPERIMENTS} }
`,
};
commitBenchRepo(dir, files);

const sessionStart = Date.now() / 1000;
const { dir: sessionDir } = await runCommand({
  cwd: dir,
  env: process.env,
  session: "bench",
  out: { write: () => undefined },
  tty: false,
  signal: new AbortController().signal,
});
const sessionEnd = Date.now() / 1000;

interface Timing {
  start: number;
  end: number;
}
// The command's own span: from the script's first line to its last. Starting the sandbox and
// the interpreter counts as the loop's time, so the figure is an upper bound.
const runs: Timing[] = readdirSync(sessionDir)
  .filter((d) => d.startsWith("exp-"))
  .map((d) => JSON.parse(readFileSync(join(sessionDir, d, "result.json"), "utf8")))
  .map((r: { metrics: Record<string, number> }) => ({
    start: r.metrics.t_start ?? Number.NaN,
    end: r.metrics.t_end ?? Number.NaN,
  }))
  .sort((a, b) => a.start - b.start);
const containment =
  probeBubblewrap() === undefined ? "bubblewrap" : "none (bubblewrap cannot run here)";
const busy = runs.reduce((sum, r) => sum + (r.end - r.start), 0);
const wall = sessionEnd - sessionStart;
const gaps = runs.map(
  (r, i) => (r.start - (i === 0 ? sessionStart : (runs[i - 1]?.end ?? sessionStart))) * 1000,
);
gaps.push((sessionEnd - (runs.at(-1)?.end ?? sessionEnd)) * 1000);
const sorted = [...gaps].sort((a, b) => a - b);
const pct = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const report = `# Loop overhead

Measured by \`npm run bench\` (bench/loop-overhead.ts) on ${new Date().toISOString().slice(0, 10)}:
a local session of ${runs.length} runs (1 baseline + ${runs.length - 1} proposals, search proposer)
whose command sleeps its whole ${BUDGET_S} s budget, on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version},
every run contained: ${containment}.

| figure | value |
|---|---|
| session wall time | ${wall.toFixed(2)} s |
| Σ experiment command time | ${busy.toFixed(2)} s |
| **overhead ratio** (1 − Σ command / session) | **${((1 - busy / wall) * 100).toFixed(2)} %** (goal ≤ 1 %) |
| per-experiment overhead, median | ${pct(50).toFixed(0)} ms |
| per-experiment overhead, p95 | ${pct(95).toFixed(0)} ms |
| per-experiment overhead, max | ${Math.max(...gaps).toFixed(0)} ms |

Per-experiment overhead is the time between one command's end and the next one's start
(proposal, commit, worktree, locked-file restore and hash, the sandbox's start, the
interpreter's start, result.json, ledger fsync, branch update), plus start-up before the first
run and shutdown after the last. The overhead is a fixed cost per experiment: the ratio shrinks
in proportion as the budget grows (at the default 5-minute budget it is a thirtieth of this).
`;
writeFileSync(join(import.meta.dirname, "..", "docs", "benchmarks", "loop-overhead.md"), report);
console.log(report);
