// The full loop's moving parts, shared by the tests here and bench/api-requests.ts: the App as
// src/app/main.ts wires it, a fake GitHub whose git objects are real commits, webhook delivery
// as Probot's middleware does it, and the runner. Nothing here imports vitest.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot } from "probot";
import { createApp } from "../../../src/app/app.ts";
import { proposerFor } from "../../../src/app/app-proposer.ts";
import { GitHubSessions } from "../../../src/app/session/github-sessions.ts";
import { WorkQueue } from "../../../src/app/work-queue.ts";
import type { Finished, LedgerEvent } from "../../../src/core/index.ts";
import { privateKey, QuietOctokit, RecordingLog } from "../handlers/app-harness.ts";
import { COMMENTER, ISSUE } from "../handlers/comment-payloads.ts";
import { inTestRepository, record, webhookExample } from "../handlers/webhook-payloads.ts";
import { type FakeRun, runUrl } from "../session/session-shapes.ts";
import { type RunnerRecord, runOnRunner } from "./fake-runner.ts";
import { installFakeGitHub, type People } from "./full-loop-github.ts";
import { GitBackedRepo } from "./git-backed-repo.ts";

export const SESSION = `issue-${ISSUE}`;

export const TRAIN_PY = `X = 1
Y = 0.2

score = (X - 3) ** 2 + (Y - 0.5) ** 2 + 1
print("---")
print(f"score: {score}")
`;

/** `.github/autoopt.yml` for the quadratic train.py; `extra` lines are appended (later keys win). */
export function configYml(session = "{ max_experiments: 2 }", extra = ""): string {
  return `version: 1
editable: [train.py]
run: { command: python3 train.py, budget: 30s }
metric: { name: score, goal: minimize }
session: ${session}
proposer: { kind: search }
${extra}`;
}

export const WORKFLOW = ".github/workflows/autoopt-experiment.yml";

/** The installation token and the hop to artifact storage: requests no session call makes itself. */
export const NOT_SESSION_CALLS = new Set([
  "/app/installations/{installation_id}/access_tokens",
  "<artifact storage>",
]);

export interface App {
  probot: Probot;
  sessions: GitHubSessions;
  queue: WorkQueue;
  log: RecordingLog;
  sessionLog: string[];
}

/** What main.ts reads from the environment: the proposer's key and the archive cache's folder. */
export interface BootOptions {
  env?: Readonly<Record<string, string>>;
  archiveDir?: string;
}

/** The App as src/app/main.ts wires it (sessions on GitHub through the installation's Octokit). */
export async function boot({ env = {}, archiveDir }: BootOptions = {}): Promise<App> {
  const log = new RecordingLog();
  const sessionLog: string[] = [];
  const note = (level: string) => (message: string) => sessionLog.push(`${level}: ${message}`);
  const probot = new Probot({ appId: 1, privateKey, logLevel: "fatal", Octokit: QuietOctokit });
  const sessions = new GitHubSessions({
    octokitFor: (installationId) => probot.auth(installationId),
    proposerFor: proposerFor(env, log),
    clock: Date.now,
    log: { info: note("info"), warn: note("warn"), error: note("error") },
    ...(archiveDir === undefined ? {} : { archiveDir }),
  });
  const queue = new WorkQueue(log);
  await probot.load(createApp({ sessions, log, queue }));
  return { probot, sessions, queue, log, sessionLog };
}

/** One fake repository with `.github/autoopt.yml` = `config` on main, the fake GitHub and the App. */
export class FullLoop {
  readonly repo: GitBackedRepo;
  readonly people: People;
  readonly root: string;
  /** AUTOOPT_ARCHIVE_DIR of the App, kept across a restart as a host's disk would be. */
  readonly archiveDir: string;
  app: App;
  deliveries = 0;
  private readonly uninstall: () => void;

  private constructor(root: string, repo: GitBackedRepo, people: People, app: App) {
    this.root = root;
    this.archiveDir = join(root, "archive");
    this.repo = repo;
    this.people = people;
    this.app = app;
    this.uninstall = installFakeGitHub(repo, people);
  }

  /**
   * `files` are committed on main beside train.py and the config (e.g. a held-out evaluator);
   * `env` is the App's environment (e.g. the proposer's key).
   */
  static async create(
    config: string,
    files: Record<string, string> = {},
    env: Readonly<Record<string, string>> = {},
  ): Promise<FullLoop> {
    const root = mkdtempSync(join(tmpdir(), "autoopt-full-loop-"));
    const repo = new GitBackedRepo(join(root, "origin"));
    const main = repo.commitFiles(
      { "train.py": TRAIN_PY, ".github/autoopt.yml": config, ...files },
      undefined,
      "initial",
    );
    repo.refs.set("heads/main", main);
    const people: People = { roles: new Map([[COMMENTER, "admin"]]), reactions: [] };
    const app = await boot({ env, archiveDir: join(root, "archive") });
    return new FullLoop(root, repo, people, app);
  }

  /** Removes the fake GitHub (nock.cleanAll) and the temporary repository. */
  dispose(): void {
    this.uninstall();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Delivers a webhook as Probot's middleware would, then waits for the App's and sessions' work. */
  async deliver(name: string, payload: unknown, id?: string): Promise<void> {
    this.deliveries += 1;
    const event = { id: id ?? `delivery-${this.deliveries}`, name, payload } as Parameters<
      Probot["receive"]
    >[0];
    await this.app.probot.receive(event);
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.app.queue.idle();
    await this.app.sessions.idle();
    await this.app.queue.idle();
  }

  /** Runs `run` on the runner: the action's own code on a real checkout of its candidate. */
  execute(run: FakeRun): Promise<RunnerRecord> {
    return runOnRunner(this.repo, run, this.root);
  }

  ledger(session = SESSION): LedgerEvent[] {
    return this.repo.ledger(session);
  }

  finished(session = SESSION): Finished[] {
    return this.ledger(session).filter((e): e is Finished => e.type === "finished");
  }

  /** Dispatched runs not yet picked up by the runner, in dispatch order. */
  queuedRuns(): FakeRun[] {
    return [...this.repo.runs.values()].filter((r) => r.status === "queued");
  }

  /** Requests the fake GitHub answered, less the installation token and the storage hop. */
  apiRequests(): number {
    return this.repo.seen.filter((s) => !NOT_SESSION_CALLS.has(s.template)).length;
  }
}

/** `workflow_run.completed` from GitHub's example, for a run the fake dispatched. */
export function runCompleted(run: FakeRun) {
  return runCompletedPayload(run.id, run.displayTitle, run.conclusion);
}

/** `workflow_run.completed` for any run id and run-name, dispatched by the App or not. */
export function runCompletedPayload(id: number, runName: string, conclusion: string | null) {
  const payload = inTestRepository(webhookExample("workflow_run", "completed"));
  const example = record(payload.workflow_run, "workflow_run");
  return {
    ...payload,
    workflow_run: {
      ...example,
      id,
      name: "autoopt experiment",
      display_title: runName,
      event: "workflow_dispatch",
      status: "completed",
      conclusion,
      path: WORKFLOW,
      html_url: runUrl(id),
    },
  };
}

export function score(x: number, y: number): number {
  return (x - 3) ** 2 + (y - 0.5) ** 2 + 1;
}
