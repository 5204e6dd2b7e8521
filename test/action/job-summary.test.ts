import { describe, expect, it } from "vitest";
import { ActionError } from "../../src/action/action-error.ts";
import { actionOutputs } from "../../src/action/action-outputs.ts";
import { describeFailure } from "../../src/action/describe-failure.ts";
import { jobSummary } from "../../src/action/job-summary.ts";
import { loadConfig } from "../../src/config/index.ts";
import { Result } from "../../src/core/result.ts";

const config = loadConfig(`version: 1
mode: harness
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
objectives: [{ name: tokens, goal: minimize }]
ratchet: { rule: primary }
`);

function result(over: Partial<Result> = {}): Result {
  return Result.parse({
    version: 1,
    experiment: "exp-3",
    session: "s1",
    candidate_sha: "c".repeat(40),
    base_sha: "b".repeat(40),
    status: "ok",
    metrics: { val_bpb: 0.9979, tokens: 1200 },
    exit_code: 0,
    signal: null,
    wall_s: 301.25,
    started_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T00:05:01.250Z",
    log_tail: "step 100\n---\nval_bpb: 0.997900\n",
    locked_hashes: {},
    runner: {
      name: "gpu-3",
      os: "Linux X64",
      labels: ["self-hosted", "gpu"],
      gpu: "NVIDIA H100 80GB HBM3",
      gpu_memory_mb: 81559,
    },
    ...over,
  });
}

const uploaded = { name: "autoopt-s1-exp-3", uploaded: true as const, id: 99, retentionDays: 30 };

describe("jobSummary", () => {
  it("shows status, metrics with the primary first-class, the log tail and the artifact", () => {
    const md = jobSummary(result(), config, uploaded);
    expect(md).toContain("## autoopt exp-3: ok\n");
    expect(md).toContain("| status | **ok** |");
    expect(md).toContain("| wall time | 301.3 s |");
    expect(md).toContain(
      "| runner | gpu-3 · Linux X64 · self-hosted, gpu · NVIDIA H100 80GB HBM3 (81559 MiB) |",
    );
    expect(md).toContain(
      "| **val_bpb** (primary) | 0.9979 | minimize |\n| tokens | 1200 | minimize |",
    );
    expect(md).toContain("```text\nstep 100\n---\nval_bpb: 0.997900\n```");
    expect(md).toContain("| artifact | `autoopt-s1-exp-3` (id 99, kept 30 days) |");
  });

  it("says how the run was contained, and warns when it was not", () => {
    const contained = jobSummary(result({ containment: "bubblewrap" }), config, uploaded);
    expect(contained).toContain(
      "| runner | gpu-3 · Linux X64 · self-hosted, gpu · NVIDIA H100 80GB HBM3 (81559 MiB) |\n| containment | bubblewrap sandbox |",
    );
    const loose = jobSummary(result({ containment: "none" }), config, uploaded);
    expect(loose).toContain(
      "| containment | ⚠️ **uncontained** (`sandbox.containment: none`): the run could read the runner's files and tokens |",
    );
    expect(jobSummary(result(), config, uploaded)).not.toContain("containment");
  });

  it("keeps a reason with pipes and newlines inside its table cell", () => {
    const md = jobSummary(
      result({ status: "crash", reason: "exit 1 | bad\nline", metrics: {} }),
      config,
      uploaded,
    );
    expect(md).toContain("| reason | exit 1 \\| bad line |");
    expect(md).toContain("No metrics were recorded.");
  });

  it("fences a log that itself contains backtick fences", () => {
    const md = jobSummary(result({ log_tail: "```\ninjected\n````\n" }), config, uploaded);
    expect(md).toContain("`````text\n```\ninjected\n````\n`````");
  });

  it("says loudly when the result was not recorded", () => {
    const md = jobSummary(result(), config, {
      name: "autoopt-s1-exp-3",
      uploaded: false,
      error: "HTTP 403",
    });
    expect(md).toContain("## autoopt exp-3: ok — result NOT recorded");
    expect(md).toContain("> [!CAUTION]");
    expect(md).toContain("re-run this job");
    expect(md).toContain("| artifact | `autoopt-s1-exp-3` — **upload failed** |");
  });
});

describe("actionOutputs", () => {
  it("gives the primary metric, or nothing when the run reported none", () => {
    const artifact = { name: "autoopt-s1-exp-3", id: 99 };
    expect(actionOutputs(result(), config, artifact)).toEqual({
      status: "ok",
      metric: "0.9979",
      "artifact-name": "autoopt-s1-exp-3",
      "artifact-id": "99",
    });
    expect(actionOutputs(result({ status: "timeout", metrics: {} }), config, artifact).metric).toBe(
      "",
    );
  });
});

describe("describeFailure", () => {
  it("shows an ActionError as it is, and an unexpected error with its causes, each once", () => {
    expect(describeFailure(new ActionError("fix this", { cause: new Error("inner") }))).toBe(
      "fix this",
    );
    const root = new Error("EACCES: permission denied");
    const wrapped = new Error("exp-1 could not be run", {
      cause: new Error(`archive: ${root.message}`, { cause: root }),
    });
    expect(describeFailure(wrapped)).toBe(
      "exp-1 could not be run\ncaused by: archive: EACCES: permission denied",
    );
  });
});
