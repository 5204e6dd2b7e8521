import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stageArtifact } from "../../src/action/stage-artifact.ts";
import { Result } from "../../src/core/result.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function archive(): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-stage-"));
  dirs.push(dir);
  mkdirSync(join(dir, "out"));
  writeFileSync(join(dir, "result.json"), "{}\n");
  return dir;
}

const result = Result.parse({
  version: 1,
  experiment: "exp-1",
  session: "s",
  candidate_sha: "c",
  base_sha: "b",
  status: "invalid",
  reason: "train.py is locked",
  metrics: { score: 2 },
  exit_code: null,
  signal: null,
  wall_s: 0,
  started_at: "2026-01-01T00:00:00.000Z",
  ended_at: "2026-01-01T00:00:00.000Z",
  log_tail: "",
  locked_hashes: {},
  runner: { name: "r", os: "Linux" },
});

describe("stageArtifact", () => {
  it("lays out result.json, run.log, metrics.json and traces/, skipping symlinks", async () => {
    const dir = archive();
    writeFileSync(join(dir, "run.log"), "hello\n");
    mkdirSync(join(dir, "out", "traces", "empty"), { recursive: true });
    writeFileSync(join(dir, "out", "traces", "a.jsonl"), "{}\n");
    symlinkSync("/etc/passwd", join(dir, "out", "traces", "leak.jsonl"));
    const staged = await stageArtifact(dir, result);
    expect(staged.rootDirectory).toBe(join(dir, "artifact"));
    expect(staged.files.map((f) => relative(staged.rootDirectory, f))).toEqual([
      "metrics.json",
      "result.json",
      "run.log",
      "traces/a.jsonl",
      "traces/empty",
    ]);
  });

  it("writes a run.log that says the command never ran when there is none, and no traces/", async () => {
    const dir = archive();
    const staged = await stageArtifact(dir, result);
    expect(staged.files.map((f) => relative(staged.rootDirectory, f))).toEqual([
      "metrics.json",
      "result.json",
      "run.log",
    ]);
    expect(readFileSync(join(staged.rootDirectory, "run.log"), "utf8")).toBe(
      "the command never ran: train.py is locked\n",
    );
    expect(JSON.parse(readFileSync(join(staged.rootDirectory, "metrics.json"), "utf8"))).toEqual({
      score: 2,
    });
  });

  it("leaves out a hard link in traces/, which could be another name of any file of the runner", async () => {
    const dir = archive();
    writeFileSync(join(dir, "heldout.jsonl"), '{"task_id":"h","answer":"HELDOUT-9c1f"}\n');
    mkdirSync(join(dir, "out", "traces"), { recursive: true });
    linkSync(join(dir, "heldout.jsonl"), join(dir, "out", "traces", "copy.jsonl"));
    writeFileSync(join(dir, "out", "traces", "a.jsonl"), "{}\n");
    const staged = await stageArtifact(dir, result);
    expect(staged.files.map((f) => relative(staged.rootDirectory, f))).toContain("traces/a.jsonl");
    expect(staged.files.map((f) => relative(staged.rootDirectory, f))).not.toContain(
      "traces/copy.jsonl",
    );
  });
});
