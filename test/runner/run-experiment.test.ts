import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Result } from "../../src/core/result.ts";
import { runExperiment } from "../../src/runner/index.ts";
import { type FileSpec, makeConfig, makeOptions, makeRepo, removeTempDirs } from "./fixtures.ts";

afterAll(removeTempDirs);

const PREPARE = "print('trusted evaluator')\n";
const SUMMARY = "echo ---; echo 'val_bpb:          0.997900'; echo 'peak_vram_mb:     45060.2'\n";

/** Runs `train` as the candidate's train.sh (base: a script that only leaves a marker). */
async function runTrain(
  train: string,
  run: Parameters<typeof makeConfig>[0] = {},
  extra: Record<string, FileSpec> = {},
) {
  const repo = makeRepo(
    { "train.sh": "touch ran.marker\n", "prepare.py": PREPARE, "README.md": "hi\n" },
    {
      "train.sh": train,
      ...extra,
    },
  );
  const opts = makeOptions(repo, makeConfig(run));
  const result = await runExperiment(opts);
  return { repo, opts, result };
}

describe("runExperiment", () => {
  it("records an ok run from the summary block and writes result.json", async () => {
    const { opts, result, repo } = await runTrain(`echo "step 1 | loss 3.2"\n${SUMMARY}`);
    expect(result).toMatchObject({
      version: 1,
      status: "ok",
      metrics: { val_bpb: 0.9979, peak_vram_mb: 45060.2 },
      exit_code: 0,
      signal: null,
      experiment: "exp-1",
      session: "s1",
      candidate_sha: repo.candidateSha,
      base_sha: repo.baseSha,
    });
    expect(result.reason).toBeUndefined();
    expect(Object.keys(result.locked_hashes)).toEqual(["prepare.py"]);
    expect(result.log_tail).toContain("val_bpb:          0.997900");
    const onDisk = Result.parse(
      JSON.parse(readFileSync(join(opts.archiveDir, "result.json"), "utf8")),
    );
    expect(onDisk).toEqual(result);
    expect(readFileSync(join(opts.archiveDir, "run.log"), "utf8")).toMatch(
      /^step 1 \| loss 3.2\n---\n/,
    );
  });

  it("prefers $AUTOOPT_OUT/metrics.json, and hands the run its AUTOOPT_* variables", async () => {
    const train = `printf '{"val_bpb": 0.5, "budget": %s}' "$AUTOOPT_BUDGET_S" > "$AUTOOPT_OUT/metrics.json"
echo "$AUTOOPT_OUT $AUTOOPT_SEED $AUTOOPT_EXPERIMENT $AUTOOPT_SESSION $AUTOOPT_SPLIT"\n${SUMMARY}`;
    const { opts, result } = await runTrain(train);
    expect(result.status).toBe("ok");
    expect(result.metrics).toEqual({ val_bpb: 0.5, budget: 20 });
    expect(result.log_tail).toContain(`${join(opts.archiveDir, "out")} 7 exp-1 s1 search`);
  });

  it.each([
    [
      "prints no metric",
      "echo done\n",
      "the run printed no val_bpb: write $AUTOOPT_OUT/metrics.json or a summary block after a --- line",
    ],
    ["prints a NaN", "echo ---; echo 'val_bpb: nan'\n", "metric val_bpb is NaN"],
    [
      "writes a broken metrics.json",
      `echo '[0.9]' > "$AUTOOPT_OUT/metrics.json"\n`,
      "$AUTOOPT_OUT/metrics.json must be a JSON object",
    ],
    [
      "exits nonzero",
      "echo working; echo 'ValueError: boom' >&2; exit 3\n",
      "the command exited with code 3: ValueError: boom",
    ],
  ])("crashes when the run %s", async (_, train, reason) => {
    const { result } = await runTrain(train);
    expect(result.status).toBe("crash");
    expect(result.reason).toContain(reason);
  });

  it("crashes with 'not found' naming a command that does not exist", async () => {
    const { result } = await runTrain("", { command: "no-such-trainer-xyz --epochs 1" });
    expect(result.status).toBe("crash");
    expect(result.exit_code).toBe(127);
    expect(result.reason).toContain("`no-such-trainer-xyz --epochs 1`");
    expect(result.reason).toContain("not found");
  });

  it.each<[string, Record<string, FileSpec>, string]>([
    ["edits a locked file", { "prepare.py": "print('fake')\n" }, "prepare.py is locked"],
    [
      "edits a file that is not editable",
      { "README.md": "changed\n" },
      "README.md is not editable",
    ],
    ["adds a symlink", { "src/data": { symlink: "/etc" } }, "src/data is a symlink"],
  ])("is invalid, and never runs the command, when the candidate %s", async (_, extra, reason) => {
    const { repo, opts, result } = await runTrain(`touch ran.marker\n${SUMMARY}`, {}, extra);
    expect(result.status).toBe("invalid");
    expect(result.reason).toContain(reason);
    expect(result.exit_code).toBeNull();
    expect(existsSync(join(repo.dir, "ran.marker"))).toBe(false);
    expect(existsSync(join(opts.archiveDir, "result.json"))).toBe(true);
  });

  it("keeps secrets from the command but passes pass_env names", async () => {
    const repo = makeRepo({ "train.sh": `env > "$AUTOOPT_OUT/env.txt"\n${SUMMARY}` });
    const opts = makeOptions(repo, makeConfig({ pass_env: ["HF_HOME"] }), {
      parentEnv: {
        PATH: "/usr/bin:/bin",
        OPENAI_API_KEY: "sk-secret",
        GITHUB_TOKEN: "ghs_secret",
        AWS_SECRET_ACCESS_KEY: "aws-secret",
        ACTIONS_RUNTIME_TOKEN: "runtime-secret",
        HF_HOME: "/models",
      },
    });
    expect((await runExperiment(opts)).status).toBe("ok");
    const env = readFileSync(join(opts.archiveDir, "out", "env.txt"), "utf8");
    expect(env).not.toContain("secret");
    expect(env).toContain("HF_HOME=/models\n");
    expect(env).toContain("PYTHONUNBUFFERED=1\n");
  });

  it("caps run.log at log_limit, keeping head and tail, for ~5 MB of output", async () => {
    const { opts, result } = await runTrain(`seq 1 700000\n${SUMMARY}`, { log_limit: 64 * 1024 });
    expect(result.status).toBe("ok");
    expect(result.metrics.val_bpb).toBe(0.9979);
    const path = join(opts.archiveDir, "run.log");
    expect(statSync(path).size).toBeLessThanOrEqual(64 * 1024);
    const log = readFileSync(path, "utf8");
    expect(log.startsWith("1\n2\n3\n")).toBe(true);
    expect(log.match(/… \[\d+ bytes omitted\] …\n/g)).toHaveLength(1);
    expect(
      log.endsWith("699999\n700000\n---\nval_bpb:          0.997900\npeak_vram_mb:     45060.2\n"),
    ).toBe(true);
    expect(result.log_tail.length).toBeLessThanOrEqual(2000);
  });

  it("throws when the base commit does not exist", async () => {
    const repo = makeRepo({ "train.sh": SUMMARY });
    const opts = makeOptions(repo, makeConfig(), { baseSha: "f".repeat(40) });
    await expect(runExperiment(opts)).rejects.toThrow("does not exist");
  });

  it("throws when the archive directory cannot be made", async () => {
    const repo = makeRepo({ "train.sh": SUMMARY, blocker: "a file\n" });
    const opts = makeOptions(repo, makeConfig(), {
      archiveDir: join(repo.dir, "blocker", "exp-1"),
    });
    await expect(runExperiment(opts)).rejects.toThrow("is not usable");
  });

  it("records a baseline run, where base and candidate are the same commit", async () => {
    const repo = makeRepo({ "train.sh": SUMMARY, "prepare.py": PREPARE });
    const result = await runExperiment(makeOptions(repo, makeConfig()));
    expect(result.status).toBe("ok");
    expect(result.locked_hashes["prepare.py"]).toMatch(/^[0-9a-f]{64}$/);
  });
});
