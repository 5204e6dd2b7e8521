import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experiment, type SessionState } from "../../../src/core/index.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { appProcess, expectSound, RATCHET, SESSION, withFakeGitHub } from "./crash-fixture.ts";
import type { FakeRepo } from "./fake-repo.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  finishRun,
  type Harness,
  RUN_MS,
  result,
  seed,
} from "./session-fixture.ts";

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

/** One job of the App, killed at each of its requests in turn. */
interface Scenario {
  /** Brings the session, run by `app`, to where the job starts. */
  before(repo: FakeRepo, app: Harness): Promise<void>;
  /** The job that is killed. */
  job(repo: FakeRepo, app: Harness): Promise<void>;
  /** What the restarted App is told again: the webhook redelivered, the command typed again. */
  retold(repo: FakeRepo, app: Harness): Promise<void>;
  /** What the job was to do, done by the time the restarted App has caught up. */
  expectDone(repo: FakeRepo, state: SessionState, at: string): void;
}

/** Starts a session and records its baseline (1.0); exp-2 runs. */
async function baseline(repo: FakeRepo, app: Harness): Promise<void> {
  seed(repo);
  await app.sessions.start(AT, config(), { name: "start" });
  await app.sessions.idle();
  await finishRun(app, repo, "exp-1", 1.0);
}

/** Completes experiment `exp`'s run with `value` and delivers the webhook. */
async function complete(repo: FakeRepo, app: Harness, exp: string, value: number): Promise<void> {
  const run = repo.run(SESSION, exp);
  app.clock.now += RUN_MS;
  repo.complete(run, "success", artifactFiles(result(run, value)));
  await redeliver(repo, app, exp);
}

async function redeliver(repo: FakeRepo, app: Harness, exp: string): Promise<void> {
  await app.sessions.runCompleted(completedEvent(repo.run(SESSION, exp)));
  await app.sessions.idle();
}

function promotionPr(repo: FakeRepo) {
  return [...repo.pulls.values()].find((p) => p.head === RATCHET);
}

function expectKept(repo: FakeRepo, state: SessionState, at: string, n: number, best: number) {
  expect(experiment(state, n)?.outcome, `${at}: exp-${n} kept`).toBe("keep");
  expect(state.best, at).toBe(best);
  expect(promotionPr(repo)?.title, `${at}: the promotion PR tells the best`).toBe(
    `autoopt ${SESSION}: val_bpb 1 → ${best}`,
  );
}

/** The first keep: the ratchet moves and the promotion PR is opened. */
const firstKeep: Scenario = {
  before: baseline,
  job: (repo, app) => complete(repo, app, "exp-2", 0.9),
  retold: (repo, app) => redeliver(repo, app, "exp-2"),
  expectDone: (repo, state, at) => expectKept(repo, state, at, 2, 0.9),
};

/** A later keep: the ratchet moves again and the promotion PR is refreshed. */
const laterKeep: Scenario = {
  before: async (repo, app) => {
    await baseline(repo, app);
    await finishRun(app, repo, "exp-2", 0.9);
  },
  job: (repo, app) => complete(repo, app, "exp-3", 0.8),
  retold: (repo, app) => redeliver(repo, app, "exp-3"),
  expectDone: (repo, state, at) => expectKept(repo, state, at, 3, 0.8),
};

/** `/autoopt promote` after the promotion PR was closed unmerged: the PR is refreshed and reopened. */
const promote: Scenario = {
  before: async (repo, app) => {
    await baseline(repo, app);
    await finishRun(app, repo, "exp-2", 0.9);
    await finishRun(app, repo, "exp-3", 0.95);
    const pr = promotionPr(repo);
    if (!pr) throw new Error("no promotion PR to close");
    pr.state = "closed";
    await app.sessions.promotionClosed({
      ...AT,
      headRef: RATCHET,
      merged: false,
      number: pr.number,
    });
    await app.sessions.idle();
  },
  job: async (_repo, app) => {
    // A command whose reply the killed App could not even make fails in its handler.
    await app.sessions.promote(AT).catch(() => undefined);
    await app.sessions.idle();
  },
  retold: async (_repo, app) => {
    await app.sessions.promote(AT);
    await app.sessions.idle();
  },
  expectDone: (repo, state, at) => {
    expect(promotionPr(repo)?.state, `${at}: the promotion PR reopened`).toBe("open");
    expectKept(repo, state, at, 2, 0.9);
  },
};

/** Requests the job makes when nothing kills it. */
function requestsOf(s: Scenario): Promise<number> {
  return withFakeGitHub(async (repo) => {
    const app = appProcess("app-1");
    await s.before(repo, app);
    const from = repo.seen.length;
    await s.job(repo, app);
    return repo.seen.length - from;
  });
}

/** The experiment running now (one at a time in these sessions). */
function running(repo: FakeRepo): string {
  const events = repo.ledger(SESSION);
  const ids = events.flatMap((e) => (e.type === "proposed" ? [e.experiment] : []));
  const done = new Set(events.flatMap((e) => (e.type === "finished" ? [e.experiment] : [])));
  const open = ids.filter((n) => !done.has(n));
  expect(open, "one experiment in flight").toHaveLength(1);
  return `exp-${open[0]}`;
}

/**
 * Kills the App before the job's `k`-th request, starts it again (reconcile), tells it again what
 * it may have missed, and checks the session, then that it goes on: a keep and a discard more.
 */
async function killedAt(s: Scenario, k: number, n: number): Promise<void> {
  await withFakeGitHub(async (repo) => {
    const first = appProcess("app-1");
    await s.before(repo, first);
    repo.kill = { at: repo.seen.length + k, process: "app-1" };
    await s.job(repo, first);
    const at = `killed before request ${k + 1} of ${n}`;
    if (k < n) expect(repo.lost.length, `${at}: the kill took effect`).toBeGreaterThan(0);
    const restarted = appProcess("app-2", { now: first.clock.now });
    await restarted.sessions.reconcile(OWNER, REPO, AT.installationId);
    await restarted.sessions.idle();
    await s.retold(repo, restarted);
    s.expectDone(repo, expectSound(repo, `${at}, after the restart`, restarted.clock.now), at);
    const next = running(repo);
    await complete(repo, restarted, next, 0.7);
    expectSound(repo, `${at}, after the next keep`, restarted.clock.now);
    await complete(repo, restarted, running(repo), 0.99);
    const state = expectSound(repo, `${at}, after the next discard`, restarted.clock.now);
    expect(state.meta.promotionPr, `${at}: the ledger names the promotion PR`).toBe(
      promotionPr(repo)?.number,
    );
    expectKept(repo, state, `${at}, at the end`, Number(next.slice(4)), 0.7);
  });
}

describe.each([
  ["a keep that opens the promotion PR", firstKeep],
  ["a keep that refreshes the promotion PR", laterKeep],
  ["/autoopt promote reopening the promotion PR", promote],
])("the App killed at any request of %s", (_, scenario) => {
  it("resumes from what GitHub holds: nothing recorded twice, nothing stuck", async () => {
    const n = await requestsOf(scenario);
    expect(n).toBeGreaterThan(3);
    for (let k = 0; k <= n; k++) await killedAt(scenario, k, n);
  }, 120_000);
});
