import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { config, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";

const CLI = join(import.meta.dirname, "../../src/cli/main.ts");

function cli(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A harness whose accuracy peaks at X = 3 while its context grows with X: moving X trades one
 * objective for the other, so the search proposer leaves several commits on the frontier.
 */
const HARNESS_PY = `import json, os, pathlib
X = 1
Y = 0.2
acc = 1 - ((X - 3) ** 2) / 10 - (Y - 0.5) ** 2
tokens = 100 + 50 * X + 10 * Y
traces = pathlib.Path(os.environ["AUTOOPT_OUT"]) / "traces"
traces.mkdir(parents=True, exist_ok=True)
(traces / "tasks.jsonl").write_text(json.dumps({"task_id": "t1", "score": acc}) + "\\n")
print("---")
print(f"accuracy: {acc:.6f}")
print(f"context_tokens: {tokens:.6f}")
`;

const HARNESS_YML = `version: 1
mode: harness
editable: [harness.py]
run: { command: python3 harness.py, budget: 10s, grace: 5s }
metric: { name: accuracy, goal: maximize }
objectives: [{ name: context_tokens, goal: minimize }]
ratchet: { rule: primary }
session: { max_experiments: 5 }
`;

describe("autoopt status and report of a harness session", () => {
  it("print the Pareto frontier and draw its chart beside the progress chart", () => {
    const dir = tempRepo({
      "harness.py": HARNESS_PY,
      "autoopt.yml": HARNESS_YML,
      "program.md": "#\n",
    });
    const ran = cli(dir, "run", "--session", "h1");
    expect(ran.code, ran.stderr).toBe(0);

    const status = cli(dir, "status");
    expect(status.code).toBe(0);
    const [before, frontier = ""] = status.stdout.split("\nPareto frontier: ");
    expect(before).toContain("results: ");
    expect(frontier).toMatch(
      /^\d+ commits? that no other beats on every objective \(accuracy ↑, context_tokens ↓\)\n/,
    );
    const lines = frontier.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^exp +accuracy ↑ +context_tokens ↓ +outcome +description$/);
    // Best accuracy first; the ratchet head holds the best accuracy under the primary rule.
    expect(lines[2]).toMatch(/^\d+ +[\d.]+ +[\d.]+ +keep, ratchet head /);
    const accuracies = lines.slice(2).map((l) => Number(l.split(/ +/)[1]));
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));

    const report = cli(dir, "report");
    expect(report.code).toBe(0);
    const sessionDir = join(dir, ".autoopt/h1");
    expect(report.stdout).toBe(
      ["progress.svg", "progress.png", "frontier.svg", "frontier.png"]
        .map((f) => `autoopt: chart ${join(sessionDir, f)}\n`)
        .join(""),
    );
    const svg = readFileSync(join(sessionDir, "frontier.svg"), "utf8");
    expect(svg).toMatch(/>Pareto frontier: \d+ of \d+ commits<\/text>/);
    expect(svg).toContain(">accuracy (↑ higher is better)</text>");
    expect(readFileSync(join(sessionDir, "frontier.png")).subarray(1, 4).toString()).toBe("PNG");

    const base = join(dir, "chart");
    const out = cli(dir, "report", "--out", base);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`autoopt: chart ${base}-frontier.svg\n`);
    expect(existsSync(`${base}-frontier.png`)).toBe(true);
  });

  it("add nothing for a train session", () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config("session: { max_experiments: 2 }"),
      "program.md": "#\n",
    });
    expect(cli(dir, "run", "--session", "t1").code).toBe(0);
    const status = cli(dir, "status");
    expect(status.stdout).not.toContain("Pareto");
    expect(status.stdout.trimEnd().split("\n").at(-1)).toMatch(/^results: .*results\.tsv$/);
    const report = cli(dir, "report");
    expect(report.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(existsSync(join(dir, ".autoopt/t1/frontier.svg"))).toBe(false);
  });
});
