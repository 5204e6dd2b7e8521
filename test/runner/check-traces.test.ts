import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Result } from "../../src/core/result.ts";
import { TRACE_RECORD_CAP } from "../../src/runner/check-traces.ts";
import { runExperiment } from "../../src/runner/index.ts";
import { type FileSpec, makeConfig, makeOptions, makeRepo, removeTempDirs } from "./fixtures.ts";

afterAll(removeTempDirs);

const SUMMARY = "echo ---; echo 'val_bpb:          0.997900'\n";
/** The run copies the repository's traces/ folder (links kept as links) to $AUTOOPT_OUT. */
const COPY_TRACES = `if [ -e traces ]; then cp -RP traces "$AUTOOPT_OUT/traces"; fi\n${SUMMARY}`;

const line = (record: object) => `${JSON.stringify(record)}\n`;

/** Runs a candidate whose command leaves `traces` (file name → content) in $AUTOOPT_OUT/traces. */
async function runWithTraces(
  traces: Record<string, FileSpec> | undefined,
  mode: "harness" | "train" = "harness",
  train = COPY_TRACES,
) {
  const files: Record<string, FileSpec> = { "train.sh": "true\n" };
  for (const [name, spec] of Object.entries(traces ?? {})) files[`traces/${name}`] = spec;
  const repo = makeRepo(files, { "train.sh": train });
  const opts = makeOptions(repo, makeConfig({}, { mode }));
  const result = await runExperiment(opts);
  return { result, traces: join(opts.archiveDir, "out", "traces"), opts };
}

describe("runExperiment in harness mode: the trace contract", () => {
  it("records a summary of well-formed traces in result.json, blank lines allowed", async () => {
    const a = `${line({ task_id: "q-1", score: 1 })}\n${line({ task_id: 2, score: 0 })}`;
    const b = `${line({ task_id: "q-3", prompt: "why?", output: "because", score: 0.5 })}\n\n`;
    const { result, opts } = await runWithTraces({ "a.jsonl": a, "b.jsonl": b, "notes.txt": "x" });
    expect(result.status).toBe("ok");
    expect(result.traces).toEqual({
      files: 2,
      tasks: 3,
      bytes: Buffer.byteLength(a) + Buffer.byteLength(b),
      truncated: 0,
    });
    const onDisk = Result.parse(
      JSON.parse(readFileSync(join(opts.archiveDir, "result.json"), "utf8")),
    );
    expect(onDisk.traces).toEqual(result.traces);
  });

  it.each<[string, Record<string, FileSpec> | undefined, RegExp]>([
    [
      "no traces folder",
      undefined,
      /wrote no \$AUTOOPT_OUT\/traces folder: write one JSON object per task, one per line, to \$AUTOOPT_OUT\/traces\/<name>\.jsonl/,
    ],
    [
      "no .jsonl file",
      { "tasks.json": line({ task_id: "q-1" }) },
      /^\$AUTOOPT_OUT\/traces holds no \.jsonl file: write one JSON object per task/,
    ],
    [
      "zero records",
      { "a.jsonl": "", "b.jsonl": "\n  \n" },
      /trace files \(a\.jsonl, b\.jsonl\) hold no records: write one JSON object per task/,
    ],
    [
      "a line that is not JSON",
      { "a.jsonl": `${line({ task_id: "q-1" })}{"task_id": "q-2", oops}\n` },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 2 is not JSON \(.+\): write one JSON object per task/,
    ],
    [
      "a line that is an array",
      { "a.jsonl": `[1, 2]\n` },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 1 is an array: write one JSON object per task/,
    ],
    [
      "a line that is a number",
      { "a.jsonl": `${line({ task_id: "q-1" })}\n42\n` },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 3 is not an object:/,
    ],
    [
      "a record without task_id",
      { "a.jsonl": line({ id: "q-1", score: 1 }) },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 1 has no task_id: give every record a "task_id": a non-empty string or an integer/,
    ],
    [
      "an empty task_id",
      { "a.jsonl": line({ task_id: " ", score: 1 }) },
      /line 1 has task_id " ", which is not an id: give every record a "task_id"/,
    ],
    [
      "a fractional task_id",
      { "a.jsonl": line({ task_id: 1.5 }) },
      /line 1 has task_id 1\.5, which is not an id/,
    ],
    [
      "a task_id repeated within a file",
      { "a.jsonl": line({ task_id: "q-1" }) + line({ task_id: "q-2" }) + line({ task_id: "q-1" }) },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 3 repeats task_id "q-1", first written at \$AUTOOPT_OUT\/traces\/a\.jsonl line 1: write each task's record once/,
    ],
    [
      'a task_id repeated across files (7 and "7" are one id)',
      { "a.jsonl": line({ task_id: 7 }), "b.jsonl": `\n${line({ task_id: "7" })}` },
      /^\$AUTOOPT_OUT\/traces\/b\.jsonl line 2 repeats task_id "7", first written at \$AUTOOPT_OUT\/traces\/a\.jsonl line 1/,
    ],
    [
      "a trace file that is a symbolic link",
      { "a.jsonl": { symlink: "/etc/hostname" } },
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl is not a regular file:/,
    ],
  ])(
    "crashes an otherwise ok run with %s, saying where and how to fix it",
    async (_, traces, why) => {
      const { result } = await runWithTraces(traces);
      expect(result.status).toBe("crash");
      expect(result.reason).toMatch(why);
      expect(result.metrics).toEqual({ val_bpb: 0.9979 });
      expect(result.traces).toBeUndefined();
    },
  );

  it("keeps the command's own failure as the reason when it failed first", async () => {
    const { result } = await runWithTraces(undefined, "harness", "exit 4\n");
    expect(result).toMatchObject({ status: "crash", reason: "the command exited with code 4" });
  });

  it("rewrites records over the cap as marked, cut records and counts them", async () => {
    const small = line({ task_id: "q-1", score: 1, output: "short" });
    const big = {
      task_id: "q-2",
      score: 0.25,
      prompt_tokens: 81_000,
      model: "m-1",
      prompt: `début ${"é".repeat(TRACE_RECORD_CAP)}`,
      usage: { in: 3, out: 4 },
      truncated: "the harness's own field",
    };
    // Over a megabyte, task_id last: it spans several read chunks and is found at the very end.
    const huge = { output: "z".repeat(3_000_000), nested: [{ a: "]}" }], task_id: 3 };
    const tail = line({ task_id: "q-4", score: 0 });
    const { result, traces } = await runWithTraces({
      "a.jsonl": small + line(big) + line(huge) + tail,
    });
    expect(result.status).toBe("ok");
    expect(result.traces).toMatchObject({ files: 1, tasks: 4, truncated: 2 });
    const text = readFileSync(join(traces, "a.jsonl"), "utf8");
    expect(result.traces?.bytes).toBe(statSync(join(traces, "a.jsonl")).size);
    expect(readdirSync(traces)).toEqual(["a.jsonl"]);
    const lines = text.split("\n");
    expect(lines).toHaveLength(5);
    expect(`${lines[0]}\n`).toBe(small);
    expect(`${lines[3]}\n`).toBe(tail);
    const cutBig = JSON.parse(lines[1] ?? "");
    expect(cutBig).toEqual({
      task_id: "q-2",
      score: 0.25,
      prompt_tokens: 81_000,
      model: "m-1",
      usage: { in: 3, out: 4 },
      truncated: { bytes: Buffer.byteLength(JSON.stringify(big)), head: expect.any(String) },
    });
    expect(Buffer.byteLength(cutBig.truncated.head)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(cutBig.truncated.head)).toBeGreaterThan(4090);
    expect(JSON.stringify(big).startsWith(cutBig.truncated.head)).toBe(true);
    const cutHuge = JSON.parse(lines[2] ?? "");
    expect(cutHuge.truncated.head === JSON.stringify(huge).slice(0, 4096)).toBe(true);
    expect({ ...cutHuge, truncated: { ...cutHuge.truncated, head: "…" } }).toEqual({
      nested: [{ a: "]}" }],
      task_id: 3,
      truncated: { bytes: JSON.stringify(huge).length, head: "…" },
    });
  });

  it("crashes on an oversized record that is not an object with a task_id", async () => {
    const noId = line({ prompt: "p".repeat(TRACE_RECORD_CAP), score: 1 });
    const broken = `{"task_id": "q-9", "prompt": "${"p".repeat(TRACE_RECORD_CAP)}}\n`;
    const bad = await runWithTraces({ "a.jsonl": line({ task_id: "q-1" }) + noId });
    expect(bad.result.reason).toMatch(/^\$AUTOOPT_OUT\/traces\/a\.jsonl line 2 has no task_id/);
    const cut = await runWithTraces({ "a.jsonl": broken });
    expect(cut.result.reason).toMatch(
      /^\$AUTOOPT_OUT\/traces\/a\.jsonl line 1 is not a JSON object the runner can read \(the record ends early\)/,
    );
    // A failed check leaves the file as the run wrote it, and no temp file beside it.
    expect(readdirSync(bad.traces)).toEqual(["a.jsonl"]);
  });
});

describe("runExperiment in train mode", () => {
  it("neither checks nor rewrites traces", async () => {
    const big = line({ task_id: "q-1", prompt: "p".repeat(TRACE_RECORD_CAP + 10) });
    const noTraces = await runWithTraces(undefined, "train");
    expect(noTraces.result.status).toBe("ok");
    expect(noTraces.result.traces).toBeUndefined();
    const kept = await runWithTraces({ "a.jsonl": `${big}not json\n${big}` }, "train");
    expect(kept.result.status).toBe("ok");
    expect(kept.result.traces).toBeUndefined();
    expect(readFileSync(join(kept.traces, "a.jsonl"), "utf8")).toBe(`${big}not json\n${big}`);
    expect(existsSync(join(kept.opts.archiveDir, "result.json"))).toBe(true);
  });
});
