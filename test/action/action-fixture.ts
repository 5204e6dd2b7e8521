// Runs the bundled action (dist/index.js) the way a GitHub runner does: a child process with
// INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a real git checkout as the
// workspace, and the artifact service mocked by nock-preload.ts inside that child.
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakeRuntimeToken, RESULTS_URL } from "./fake-service.ts";
import {
  parseGithubOutput,
  type RecordedRequest,
  readNockErrors,
  readRequests,
} from "./run-records.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./nock-preload.ts", import.meta.url));
const GIT_ID = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];
export const REAL_NVIDIA_SMI = "NVIDIA H100 80GB HBM3, 81559\n";
export const SECRET_GITHUB_TOKEN = "ghs_secretgithubtoken0000000000000000";

const made: string[] = [];

export function tempDir(prefix = "autoopt-action-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", [...GIT_ID, ...args], { cwd: dir, encoding: "utf8" }).trim();
}

/** Files of a commit: text by path; `null` deletes the path. */
export type Files = Record<string, string | null>;

function writeFiles(dir: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) rmSync(target, { force: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
}

export interface Checkout {
  workspace: string;
  baseSha: string;
  candidateSha: string;
}

/** A repository with the base commit and, on top, the candidate commit checked out. */
export function checkout(base: Files, candidate: Files): Checkout {
  const workspace = tempDir("autoopt-ws-");
  git(workspace, "init", "-q", "-b", "main");
  writeFiles(workspace, base);
  git(workspace, "add", "-A");
  git(workspace, "commit", "-qm", "base");
  const baseSha = git(workspace, "rev-parse", "HEAD");
  writeFiles(workspace, candidate);
  git(workspace, "add", "-A");
  git(workspace, "commit", "-qm", "candidate", "--allow-empty");
  return { workspace, baseSha, candidateSha: git(workspace, "rev-parse", "HEAD") };
}

/**
 * Like actions/checkout's default: a depth-1 clone (over file://, so git's real transport and
 * shallow logic run) of a bare "origin" that holds both commits; the base is not in it.
 */
export function shallowCheckout(base: Files, candidate: Files): Checkout {
  const source = checkout(base, candidate);
  const origin = join(tempDir("autoopt-origin-"), "origin.git");
  execFileSync("git", ["clone", "-q", "--bare", source.workspace, origin]);
  const workspace = join(tempDir("autoopt-shallow-"), "ws");
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, workspace]);
  return { ...source, workspace };
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  requests: RecordedRequest[];
  nockErrors: string[];
  /** The uploaded zip of each committed upload, in order. */
  zips: string[];
  runnerTemp: string;
  wallMs: number;
}

export interface RunSpec {
  workspace: string;
  inputs: Record<string, string>;
  /** One entry per upload attempt expected: "ok", "reset", "blob-403" or "taken". */
  plan: readonly string[];
  env?: Record<string, string>;
  /** What the fake nvidia-smi prints (`false`: none on PATH), or its whole shell script. */
  gpu?: string | false | { script: string };
  /** Cancels the job as the runner does: `signal` to the action once the file `when` exists. */
  cancel?: { signal: NodeJS.Signals; when: string };
}

export async function runDistAction(spec: RunSpec): Promise<ActionRun> {
  const root = tempDir();
  const files = prepareRunFiles(root, spec.gpu ?? REAL_NVIDIA_SMI);
  const env = runnerEnv(spec, root, files);
  const started = performance.now();
  const { code, stdout, stderr } = await spawnNode(
    ["--import", PRELOAD, join(ROOT, "dist/index.js")],
    env,
    spec.workspace,
    spec.cancel,
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseGithubOutput(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
    requests: readRequests(files.records),
    nockErrors: readNockErrors(files.records),
    zips: [1, 2, 3].map((n) => join(files.records, `artifact-${n}.zip`)).filter(existsSync),
    runnerTemp: files.runnerTemp,
    wallMs: performance.now() - started,
  };
}

function prepareRunFiles(root: string, gpu: NonNullable<RunSpec["gpu"]>) {
  const files = {
    output: join(root, "github_output"),
    summary: join(root, "step_summary.md"),
    records: join(root, "records"),
    runnerTemp: join(root, "runner_temp"),
    bin: join(root, "bin"),
  };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  mkdirSync(files.runnerTemp);
  mkdirSync(files.bin);
  if (gpu !== false) {
    const script = typeof gpu === "string" ? `printf '%s' '${gpu}'` : gpu.script;
    writeFileSync(join(files.bin, "nvidia-smi"), `#!/bin/sh\n${script}\n`);
    chmodSync(join(files.bin, "nvidia-smi"), 0o755);
  }
  return files;
}

function runnerEnv(spec: RunSpec, root: string, files: ReturnType<typeof prepareRunFiles>) {
  const inputs = Object.fromEntries(
    Object.entries(spec.inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, "_").toUpperCase()}`,
      value,
    ]),
  );
  return {
    PATH: `${files.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: process.env.HOME ?? root,
    GITHUB_WORKSPACE: spec.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_TOKEN: SECRET_GITHUB_TOKEN,
    RUNNER_TEMP: files.runnerTemp,
    RUNNER_NAME: "gpu-runner-3",
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
    ACTIONS_RESULTS_URL: RESULTS_URL,
    AUTOOPT_TEST_ARTIFACT_PLAN: JSON.stringify(spec.plan),
    AUTOOPT_TEST_RECORD_DIR: files.records,
    ...inputs,
    ...spec.env,
  };
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  cancel?: RunSpec["cancel"],
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    const poll = setInterval(() => {
      if (cancel && existsSync(cancel.when)) {
        clearInterval(poll);
        child.kill(cancel.signal);
      }
    }, 50);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}
