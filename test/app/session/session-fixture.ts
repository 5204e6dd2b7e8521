import { GitHubSessions } from "../../../src/app/session/github-sessions.ts";
import type { IssueRef, RunCompleted } from "../../../src/app/session-service.ts";
import { Config } from "../../../src/config/index.ts";
import type { Result } from "../../../src/core/index.ts";
import { type Proposer, SearchProposer } from "../../../src/proposer/index.ts";
import { octokit } from "../../forge/github/github-mock.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import type { FakeRepo } from "./fake-repo.ts";
import { type FakeRun, runUrl } from "./session-shapes.ts";

export const TRAIN_PY = `LR = 0.04
WARMUP = 100
print("training")
`;

export const AT: IssueRef = {
  owner: OWNER,
  repo: REPO,
  defaultBranch: "main",
  issue: 7,
  installationId: 42,
};

export const START = Date.parse("2026-03-01T10:00:00.000Z");

export function config(session: Record<string, unknown> = {}): Config {
  return Config.parse({
    version: 1,
    editable: ["train.py"],
    locked: ["prepare.py"],
    run: { command: "python train.py", budget: "5m" },
    metric: { name: "val_bpb", goal: "minimize" },
    session: { max_experiments: 5, ...session },
    proposer: { kind: "search" },
  });
}

/** The repository's default branch: a training script, a locked evaluator, the direction. */
export function seed(repo: FakeRepo): string {
  const files = {
    "train.py": TRAIN_PY,
    "prepare.py": "# evaluator\n",
    "program.md": "Lower val_bpb.\n",
  };
  const head = repo.commitFiles(files, undefined, "initial");
  repo.refs.set("heads/main", head);
  return head;
}

export interface Harness {
  sessions: GitHubSessions;
  logs: string[];
  clock: { now: number };
}

/**
 * A GitHubSessions against the fake, with the search proposer (or another) and a clock the test
 * moves; with `archiveDir`, sessions cache their archives there (as AUTOOPT_ARCHIVE_DIR says).
 */
export function harness(
  clock = { now: START },
  proposer: (config: Config) => Proposer = () => new SearchProposer(),
  archiveDir?: string,
): Harness {
  const logs: string[] = [];
  const note = (level: string) => (message: string) => logs.push(`${level}: ${message}`);
  const sessions = new GitHubSessions({
    octokitFor: () => octokit(),
    proposerFor: proposer,
    clock: () => clock.now,
    log: { info: note("info"), warn: note("warn"), error: note("error") },
    ...(archiveDir === undefined ? {} : { archiveDir }),
  });
  return { sessions, logs, clock };
}

/** A result.json the action would write for `run`, reporting `val_bpb`. */
export function result(run: FakeRun, value: number, changes: Partial<Result> = {}): Result {
  return {
    version: 1,
    experiment: run.inputs.experiment ?? "",
    session: run.inputs.session ?? "",
    candidate_sha: run.inputs.candidate_sha ?? "",
    base_sha: run.inputs.base_sha ?? "",
    status: "ok",
    metrics: { val_bpb: value, peak_vram_mb: 2048 },
    ignored_metrics: {},
    exit_code: 0,
    signal: null,
    wall_s: 301.5,
    started_at: "2026-03-01T10:01:00.000Z",
    ended_at: "2026-03-01T10:06:01.500Z",
    log_tail: `---\nval_bpb: ${value}\n`,
    locked_hashes: { "prepare.py": "sha256:0" },
    runner: { name: "gpu-runner-1", os: "Linux", labels: ["self-hosted", "gpu"] },
    containment: "bubblewrap",
    ...changes,
  };
}

/** The artifact's files as the action lays them out. */
export function artifactFiles(r: Result): Record<string, string> {
  return {
    "result.json": `${JSON.stringify(r, null, 2)}\n`,
    "run.log": r.log_tail,
    "metrics.json": `${JSON.stringify(r.metrics)}\n`,
    "traces/.keep": "",
  };
}

/** The `workflow_run` completed event for a fake run, reduced as the App reduces it. */
export function completedEvent(run: FakeRun): RunCompleted {
  return {
    owner: OWNER,
    repo: REPO,
    installationId: AT.installationId,
    runId: run.id,
    runName: run.displayTitle,
    conclusion: run.conclusion,
    htmlUrl: runUrl(run.id),
    workflowPath: `.github/workflows/${run.workflow}`,
  };
}

/** How long a run takes in these tests: the config's budget. */
export const RUN_MS = 5 * 60_000;

/** Completes experiment `exp`'s run with `value` (it took RUN_MS) and delivers the event; waits for the work. */
export async function finishRun(
  h: Harness,
  repo: FakeRepo,
  exp: string,
  value: number,
  session = "issue-7",
): Promise<FakeRun> {
  const run = repo.run(session, exp);
  h.clock.now += RUN_MS;
  repo.complete(run, "success", artifactFiles(result(run, value)));
  await h.sessions.runCompleted(completedEvent(run));
  await h.sessions.idle();
  return run;
}

/** Starts the session and keeps one change: the baseline at 1.0, then exp-2 at 0.9. */
export async function startAndKeep(h: Harness, repo: FakeRepo): Promise<void> {
  await h.sessions.start(AT, config(), { name: "start" });
  await h.sessions.idle();
  await finishRun(h, repo, "exp-1", 1.0);
  await finishRun(h, repo, "exp-2", 0.9);
}
