// `npm run bench`: what the sandbox costs one experiment. The same candidate (a command and an
// evaluator, both near-instant) runs through the real runner with bubblewrap and uncontained,
// alternately, so that machine noise falls on both alike; the cost is the paired difference of
// each pair's wall time. Writes docs/benchmarks/sandbox-cost.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../src/config/index.ts";
import { runExperiment } from "../src/runner/index.ts";
import { createSandbox, probeBubblewrap, type Sandbox } from "../src/sandbox/index.ts";
import { commitBenchRepo } from "./bench-repo.ts";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 40);

const problem = probeBubblewrap();
if (problem) {
  console.error(`bench/sandbox-cost: bubblewrap cannot run here (${problem}); nothing measured`);
  process.exit(1);
}

const repo = mkdtempSync(join(tmpdir(), "autoopt-sandbox-bench-"));
writeFileSync(join(repo, "train.sh"), 'echo ok > "$AUTOOPT_OUT/model"\n');
writeFileSync(
  join(repo, "eval.sh"),
  'cat "$AUTOOPT_OUT/model" >/dev/null; echo ---; echo score: 1\n',
);
const sha = commitBenchRepo(repo, {});
const config = Config.parse({
  version: 1,
  editable: ["train.sh"],
  locked: ["eval.sh"],
  run: { command: "sh train.sh", evaluate: "sh eval.sh", budget: 10, grace: 10 },
  metric: { name: "score", goal: "minimize" },
});

async function once(sandbox: Sandbox, n: number): Promise<number> {
  const archiveDir = join(repo, ".bench", `run-${n}`);
  const started = performance.now();
  const result = await runExperiment({
    workdir: repo,
    archiveDir,
    config,
    session: "bench",
    experiment: `exp-${n}`,
    candidateSha: sha,
    baseSha: sha,
    seed: 0,
    split: "search",
    parentEnv: { PATH: process.env.PATH, HOME: process.env.HOME },
    runner: { name: "bench", os: process.platform, labels: [] },
    sandbox,
    hide: [],
  });
  const ms = performance.now() - started;
  if (result.status !== "ok")
    throw new Error(`bench run ${n} is ${result.status}: ${result.reason}`);
  rmSync(archiveDir, { recursive: true, force: true });
  return ms;
}

const contained = createSandbox("bubblewrap");
const uncontained = createSandbox("none");
for (let i = 0; i < 3; i++) await once(contained, -1 - i); // warm the page cache
const costs: number[] = [];
const walls = { bubblewrap: [] as number[], none: [] as number[] };
for (let i = 0; i < PAIRS; i++) {
  // Alternate which goes first, so a slow moment does not always land on the same side.
  const first = i % 2 === 0 ? contained : uncontained;
  const second = first === contained ? uncontained : contained;
  const a = await once(first, 2 * i);
  const b = await once(second, 2 * i + 1);
  const withSandbox = first === contained ? a : b;
  const without = first === contained ? b : a;
  walls.bubblewrap.push(withSandbox);
  walls.none.push(without);
  costs.push(withSandbox - without);
}
rmSync(repo, { recursive: true, force: true });

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};
const bwrap = execFileSync("bwrap", ["--version"], { encoding: "utf8" }).trim();

const report = `# Sandbox cost per experiment

Measured by \`npm run bench\` (bench/sandbox-cost.ts) on ${new Date().toISOString().slice(0, 10)}:
${PAIRS} pairs of runs of one candidate through the real runner — a command and an evaluator,
each in its own sandbox, with the evaluator's fresh tree — once in bubblewrap and once
uncontained, alternately, on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${bwrap}.

| figure | median | p95 |
|---|---|---|
| experiment wall time, bubblewrap | ${pct(walls.bubblewrap, 50).toFixed(1)} ms | ${pct(walls.bubblewrap, 95).toFixed(1)} ms |
| experiment wall time, uncontained | ${pct(walls.none, 50).toFixed(1)} ms | ${pct(walls.none, 95).toFixed(1)} ms |
| **sandbox cost per experiment** (paired difference) | **${pct(costs, 50).toFixed(1)} ms** | **${pct(costs, 95).toFixed(1)} ms** |

Both sides build the evaluator's fresh tree from git objects; the difference is what starting
two bubblewrap sandboxes (namespaces, mounts, the PID-namespace init) adds. Against a 5-minute
budget a median cost of ${pct(costs, 50).toFixed(0)} ms is ${((pct(costs, 50) / 300_000) * 100).toFixed(3)} %; the
loop's overhead with the sandbox on is in [loop-overhead.md](loop-overhead.md).
`;
writeFileSync(join(import.meta.dirname, "..", "docs", "benchmarks", "sandbox-cost.md"), report);
console.log(report);
