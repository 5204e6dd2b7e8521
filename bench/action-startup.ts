// `node bench/action-startup.ts`: the GitHub Action's start-up overhead — from the moment
// `node dist/index.js` is spawned to the moment the experiment command starts (the command
// records its own start time with `date +%s%N`). In between: loading the bundle, reading the
// inputs, git rev-parse / cat-file / show, loading autoopt.yml, nvidia-smi, checking the
// candidate, restoring and hashing the locked files, and spawning the process group.
// The action is stopped once the command has started; the upload that follows is not start-up.
// Writes docs/benchmarks/action-startup.md. Needs a fresh dist/ (npm run build:action).
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist/index.js");
const OUT = join(ROOT, "docs/benchmarks/action-startup.md");

const CONFIG = `version: 1
editable: [train.py]
locked: [prepare.py]
run: { command: "date +%s%N > started.ns; echo ---; echo 'score: 1'", budget: 60s, grace: 5s }
metric: { name: score, goal: minimize }
`;

/** A checkout like actions/checkout leaves: base commit, then the candidate on top. */
function makeWorkspace(root: string): { dir: string; baseSha: string } {
  const dir = join(root, "ws");
  mkdirSync(join(dir, ".github"), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    }).trim();
  git("init", "-q", "-b", "main");
  writeFileSync(join(dir, ".github/autoopt.yml"), CONFIG);
  writeFileSync(join(dir, "prepare.py"), "print('evaluator')\n".repeat(200));
  writeFileSync(join(dir, "train.py"), "X = 1\n");
  git("add", "-A");
  git("commit", "-qm", "base");
  const baseSha = git("rev-parse", "HEAD");
  writeFileSync(join(dir, "train.py"), "X = 2\n");
  git("commit", "-qam", "candidate");
  return { dir, baseSha };
}

/** Milliseconds from spawning the action to the experiment command's own start. */
async function measureOnce(
  root: string,
  n: number,
  ws: { dir: string; baseSha: string },
): Promise<number> {
  const startedFile = join(ws.dir, "started.ns");
  rmSync(startedFile, { force: true });
  const temp = join(root, `temp-${n}`);
  mkdirSync(temp);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? root,
    GITHUB_WORKSPACE: ws.dir,
    RUNNER_TEMP: temp,
    RUNNER_NAME: "bench",
    GITHUB_OUTPUT: join(temp, "out"),
    GITHUB_STEP_SUMMARY: join(temp, "summary"),
    INPUT_SESSION: "bench",
    INPUT_EXPERIMENT: `exp-${n}`,
    "INPUT_BASE-SHA": ws.baseSha,
  };
  const spawnedAt = performance.timeOrigin + performance.now();
  const child = spawn(process.execPath, [DIST], { env, cwd: ws.dir, stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  while (!existsSync(startedFile) || statSync(startedFile).size === 0) {
    if (child.exitCode !== null)
      throw new Error(`the action exited (${child.exitCode}) before the command started`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const commandAt = Number(readFileSync(startedFile, "utf8").trim()) / 1e6;
  child.kill("SIGKILL");
  await exited;
  return commandAt - spawnedAt;
}

/** `index.js 559 KiB, chunks/… 428 KiB, …`: what dist/ holds. */
function distSizes(): string {
  const dist = join(ROOT, "dist");
  const files = readdirSync(dist, { recursive: true, withFileTypes: true }).filter((e) =>
    e.isFile(),
  );
  return files
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((path) => `${relative(dist, path)} ${(statSync(path).size / 1024).toFixed(0)} KiB`)
    .join(", ");
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}

function nodeBareMs(): number {
  const t = performance.now();
  execFileSync(process.execPath, ["-e", "0"]);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "autoopt-bench-action-"));
  try {
    const ws = makeWorkspace(root);
    await measureOnce(root, 0, ws); // warm-up: the page cache, not the action, would dominate
    const times: number[] = [];
    for (let n = 1; n <= RUNS; n++) times.push(await measureOnce(root, n, ws));
    const bare = Array.from({ length: 5 }, nodeBareMs).sort((a, b) => a - b);
    writeReport(
      [...times].sort((a, b) => a - b),
      quantile(bare, 0.5),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function writeReport(sorted: number[], bareMs: number): void {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const median = quantile(sorted, 0.5);
  const p95 = quantile(sorted, 0.95);
  const bundle = distSizes();
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const text = `# Action start-up

Measured by \`node bench/action-startup.ts\` on ${new Date().toISOString().slice(0, 10)}:
${sorted.length} runs (after one warm-up) of \`node dist/index.js\` as a runner starts it, on
${cpus().length} × ${cpu}, Node ${process.version}, no GPU (no nvidia-smi on PATH).
Bundle: ${bundle}; the artifact chunk (@actions/artifact, Azure's blob SDK) is loaded only when
the result is uploaded, after the command has ended.

Start-up = time from spawning \`node dist/index.js\` to the experiment command's own start
(\`date +%s%N\` as its first act): loading the bundle, inputs, \`git rev-parse\` / \`cat-file\` /
\`show\` (config from the base commit), checking the candidate's diff, restoring and hashing the
locked file, spawning the process group.

| figure | value |
|---|---|
| **median** | **${ms(median)}** (goal < 1 s) |
| p95 (nearest rank) | ${ms(p95)} |
| min | ${ms(sorted[0] ?? Number.NaN)} |
| max | ${ms(sorted.at(-1) ?? Number.NaN)} |
| \`node -e 0\` alone, median of 5 | ${ms(bareMs)} |

On a GPU runner \`nvidia-smi\` runs concurrently with the git work, so it adds to start-up only
when it is slower than that work.
`;
  writeFileSync(OUT, text);
  console.log(text);
}

await main();
