import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { zipSync } from "fflate";
import type { ActionIO } from "../../../src/action/action-io.ts";
import { runAction } from "../../../src/action/run-action.ts";
import type { ArtifactUploader } from "../../../src/action/upload-with-retry.ts";
import type { Result } from "../../../src/core/index.ts";
import type { FakeRun } from "../session/session-shapes.ts";
import type { GitBackedRepo } from "./git-backed-repo.ts";

export interface RunnerRecord {
  run: FakeRun;
  result: Result;
  /** The artifact's files, by path inside the zip. */
  files: Record<string, Uint8Array>;
  lines: string[];
}

/**
 * One experiment run as a GitHub runner executes the workflow `autoopt init --github` writes:
 * actions/checkout of `candidate_sha` (here a worktree of the fake's real git store), then the
 * action's own code, `runAction`, with the inputs the workflow passes. The artifact it uploads is
 * zipped as the artifact service would and stored on the run, which then completes.
 */
export async function runOnRunner(
  repo: GitBackedRepo,
  run: FakeRun,
  root: string,
): Promise<RunnerRecord> {
  const { session = "", experiment = "", candidate_sha = "", base_sha = "", split } = run.inputs;
  const workspace = join(root, `ws-${run.id}`);
  repo.git(["worktree", "add", "-q", "--detach", workspace, candidate_sha]);
  const runnerTemp = join(root, `temp-${run.id}`);
  mkdirSync(runnerTemp, { recursive: true });
  run.status = "in_progress";
  const lines: string[] = [];
  let files: Record<string, Uint8Array> = {};
  const uploader: ArtifactUploader = {
    async uploadArtifact(name, paths, rootDirectory) {
      files = {};
      for (const path of paths) {
        if (statSync(path).isFile()) files[relative(rootDirectory, path)] = readFileSync(path);
      }
      const id = repo.nextId();
      repo.artifacts.set(id, { id, name, runId: run.id, zip: zipSync(files), expired: false });
      return { id, size: 1 };
    },
  };
  const result = await runAction({
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      RUNNER_NAME: "gpu-runner-1",
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      INPUT_SESSION: session,
      INPUT_EXPERIMENT: experiment,
      "INPUT_BASE-SHA": base_sha,
      INPUT_CONFIG: ".github/autoopt.yml",
      // The workflow passes `split` on; a dispatch without it gets the input's default.
      INPUT_SPLIT: split ?? "search",
    },
    io: recordingIO(lines),
    uploader,
    queryGpu: async () => ({ ok: true, gpu: undefined }),
    platform: "linux x64",
    retry: { attempts: 1, delaysMs: [] },
  });
  run.status = "completed";
  run.conclusion = "success";
  return { run, result, files, lines };
}

function recordingIO(lines: string[]): ActionIO {
  return {
    info: (m) => lines.push(`info: ${m}`),
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    setOutput: (name, value) => lines.push(`output ${name}=${value}`),
    setSecret: () => {},
    appendSummary: async () => {},
  };
}
