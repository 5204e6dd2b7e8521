import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Result } from "../../src/core/result.ts";
import { checkout, removeTempDirs, runDistAction, SECRET_GITHUB_TOKEN } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import {
  baseFiles,
  CONFIG_PATH,
  config,
  trainPy,
  WRITES_TRACES_AND_ENV,
} from "./experiment-files.ts";
import {
  FAKE_ARTIFACT_ID,
  fakeRuntimeToken,
  JOB_BACKEND_ID,
  RUN_BACKEND_ID,
  TWIRP,
} from "./fake-service.ts";
import { readZip } from "./run-records.ts";

await expectFreshDist();
afterAll(removeTempDirs);

const inputs = (baseSha: string, more: Record<string, string> = {}) => ({
  session: "s1",
  experiment: "exp-7",
  "base-sha": baseSha,
  ...more,
});

describe("dist/index.js on a runner", () => {
  it("runs an ok experiment, uploads its artifact and sets the outputs", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5, WRITES_TRACES_AND_ENV) });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha),
      plan: ["ok"],
    });

    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toEqual({
      status: "ok",
      metric: "1.5",
      "artifact-name": "autoopt-s1-exp-7",
      "artifact-id": FAKE_ARTIFACT_ID,
    });
    expect(run.stdout).toContain("::notice::exp-7 ran ok: score = 1.5");

    const zip = readZip(run.zips[0] ?? "no zip was uploaded");
    expect(Object.keys(zip).sort()).toEqual([
      "metrics.json",
      "result.json",
      "run.log",
      "traces/tasks.jsonl",
    ]);
    const result = Result.parse(JSON.parse(zip["result.json"] ?? ""));
    expect(result).toMatchObject({
      experiment: "exp-7",
      session: "s1",
      status: "ok",
      candidate_sha: repo.candidateSha,
      base_sha: repo.baseSha,
      metrics: { score: 1.5, peak_vram_mb: 45060.2 },
      runner: {
        name: "gpu-runner-3",
        os: "Linux X64",
        labels: ["self-hosted", "gpu"],
        gpu: "NVIDIA H100 80GB HBM3",
        gpu_memory_mb: 81559,
      },
    });
    expect(result.locked_hashes).toHaveProperty("prepare.py");
    expect(JSON.parse(zip["metrics.json"] ?? "")).toEqual({ score: 1.5, peak_vram_mb: 45060.2 });
    expect(zip["run.log"]).toContain("score:          1.500000");
    expect(JSON.parse(zip["traces/tasks.jsonl"] ?? "")).toMatchObject({ task_id: "t1", score: 1 });

    const seen = JSON.parse(readFileSync(join(repo.workspace, "env-seen.json"), "utf8"));
    expect(seen).toMatchObject({
      AUTOOPT_SEED: "107",
      AUTOOPT_SPLIT: "search",
      AUTOOPT_BUDGET_S: "20",
      AUTOOPT_EXPERIMENT: "exp-7",
    });
    // The runner's allow-list alone (no run.pass_env here) keeps the step's credentials out.
    for (const name of [
      "ACTIONS_RUNTIME_TOKEN",
      "ACTIONS_RESULTS_URL",
      "GITHUB_TOKEN",
      "INPUT_SESSION",
    ]) {
      expect(seen, name).not.toHaveProperty(name);
    }
  });

  it("talks to the artifact service as @actions/artifact 6 does", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha, { "retention-days": "3" }),
      plan: ["ok"],
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.requests.map((r) => `${r.method} ${r.path} ${r.query.comp ?? ""}`.trim())).toEqual([
      `POST ${TWIRP}/CreateArtifact`,
      "PUT /actions-results/run-1/artifact.zip block",
      "PUT /actions-results/run-1/artifact.zip blocklist",
      `POST ${TWIRP}/FinalizeArtifact`,
    ]);
    const [create, , , finalize] = run.requests;
    expect(create?.authorization).toBe("Bearer …");
    const created = JSON.parse(create?.body ?? "");
    expect(created).toMatchObject({
      workflow_run_backend_id: RUN_BACKEND_ID,
      workflow_job_run_backend_id: JOB_BACKEND_ID,
      name: "autoopt-s1-exp-7",
      version: 7,
      mime_type: "application/zip",
    });
    // retention-days: 3 overrides runner.retention_days (7).
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
    const zip = readFileSync(run.zips[0] ?? "");
    const finalized = JSON.parse(finalize?.body ?? "");
    expect(finalized).toMatchObject({ name: "autoopt-s1-exp-7", size: String(zip.length) });
    expect(finalized.hash).toBe(`sha256:${createHash("sha256").update(zip).digest("hex")}`);
    expect(run.summary).toContain("kept 3 days");
  });

  it("writes a job summary with the status, metrics, log tail and artifact", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.25) });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha),
      plan: ["ok"],
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain("## autoopt exp-7: ok");
    expect(run.summary).toContain("| status | **ok** |");
    expect(run.summary).toContain("| **score** (primary) | 1.25 | minimize |");
    expect(run.summary).toContain("| peak_vram_mb | 45060.2 |");
    expect(run.summary).toMatch(/### Log tail\n\n```text\n[\s\S]*score: {10}1\.250000[\s\S]*\n```/);
    expect(run.summary).toContain(`\`autoopt-s1-exp-7\` (id ${FAKE_ARTIFACT_ID}, kept 7 days)`);
  });

  it("never lets the experiment see the runner's credentials, even through run.pass_env", async () => {
    const base = baseFiles();
    base[CONFIG_PATH] = config(
      "",
      "budget: 20s, grace: 5s, pass_env: [ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_TOKEN]",
    );
    const repo = checkout(base, { "train.py": trainPy(1.5, WRITES_TRACES_AND_ENV) });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha),
      plan: ["ok"],
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      "::warning::run.pass_env lists ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_TOKEN",
    );
    const seen = Object.keys(
      JSON.parse(readFileSync(join(repo.workspace, "env-seen.json"), "utf8")),
    );
    expect(seen).not.toContain("ACTIONS_RUNTIME_TOKEN");
    expect(seen).not.toContain("ACTIONS_RESULTS_URL");
    expect(seen).not.toContain("GITHUB_TOKEN");
    expect(seen.filter((name) => name.startsWith("INPUT_") || name.startsWith("ACTIONS_"))).toEqual(
      [],
    );
    // The experiment printed its whole environment into run.log: no credential may be in the artifact.
    const uploaded = Object.values(readZip(run.zips[0] ?? "")).join("\n");
    expect(uploaded).toContain("AUTOOPT_OUT");
    expect(uploaded).not.toContain(fakeRuntimeToken());
    expect(uploaded).not.toContain("results-receiver.actions.githubusercontent.com");
    expect(uploaded).not.toContain(SECRET_GITHUB_TOKEN);
  });

  it("records a crash as a result: the job succeeds and says so", async () => {
    const crash = trainPy(1, 'raise RuntimeError("CUDA out of memory")');
    const repo = checkout(baseFiles(), { "train.py": crash });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha),
      plan: ["ok"],
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      status: "crash",
      metric: "",
      "artifact-id": FAKE_ARTIFACT_ID,
    });
    expect(run.stdout).toMatch(
      /::warning::exp-7 is crash: the command exited with code 1: RuntimeError: CUDA out of memory\..*not a failure of this job/,
    );
    const zip = readZip(run.zips[0] ?? "");
    expect(zip["run.log"]).toContain("RuntimeError: CUDA out of memory");
    expect(Result.parse(JSON.parse(zip["result.json"] ?? ""))).toMatchObject({
      status: "crash",
      exit_code: 1,
    });
    expect(run.summary).toContain("| status | **crash** |");
    expect(run.summary).toContain("No metrics were recorded.");
  });

  it("records a timeout (budget input + grace) as a result", async () => {
    const base = baseFiles();
    base[CONFIG_PATH] = config("", "budget: 5m, grace: 1s");
    const repo = checkout(base, { "train.py": trainPy(1, "time.sleep(60)") });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha, { budget: "1s" }),
      plan: ["ok"],
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: "timeout", metric: "" });
    expect(run.wallMs).toBeLessThan(20_000);
    const result = Result.parse(JSON.parse(readZip(run.zips[0] ?? "")["result.json"] ?? ""));
    expect(result.status).toBe("timeout");
    expect(result.reason).toContain("1s + 1s");
    expect(run.stdout).toContain("::warning::exp-7 is timeout");
  });
});
