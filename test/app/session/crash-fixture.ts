import { Octokit } from "@octokit/rest";
import { expect } from "vitest";
import { GitHubSessions } from "../../../src/app/session/github-sessions.ts";
import { type LedgerEvent, replay, type SessionState } from "../../../src/core/index.ts";
import { SearchProposer } from "../../../src/proposer/index.ts";
import { renderStatusComment, statusMarker } from "../../../src/report/status-comment.ts";
import { FakeRepo } from "./fake-repo.ts";
import { installFakeRoutes } from "./fake-routes.ts";
import { type Harness, START } from "./session-fixture.ts";

export const SESSION = "issue-7";
export const RATCHET = `autoopt/${SESSION}/ratchet`;

/**
 * One App process against the fake, known to it by its user agent (`name`), so that the fake can
 * kill it (FakeRepo.kill) while a process started after it is served.
 */
export function appProcess(name: string, clock = { now: START }): Harness {
  const logs: string[] = [];
  const note = (level: string) => (message: string) => logs.push(`${level}: ${message}`);
  const quiet = () => {};
  const sessions = new GitHubSessions({
    octokitFor: () =>
      new Octokit({
        userAgent: name,
        log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      }),
    proposerFor: () => new SearchProposer(),
    clock: () => clock.now,
    log: { info: note("info"), warn: note("warn"), error: note("error") },
  });
  return { sessions, logs, clock };
}

/** Runs `body` against a fresh fake GitHub, which must have refused no request. */
export async function withFakeGitHub<T>(body: (repo: FakeRepo) => Promise<T>): Promise<T> {
  const repo = new FakeRepo();
  const remove = installFakeRoutes(repo);
  try {
    const value = await body(repo);
    expect(repo.unexpected, "requests the fake GitHub refused").toEqual([]);
    return value;
  } finally {
    remove();
  }
}

type Of<T extends LedgerEvent["type"]> = Extract<LedgerEvent, { type: T }>;

function ofType<T extends LedgerEvent["type"]>(events: LedgerEvent[], type: T): Of<T>[] {
  return events.filter((e): e is Of<T> => e.type === type);
}

/** The fake's runs of the session, by experiment name (exp-<n>). */
function runsByExperiment(repo: FakeRepo): Map<string, number[]> {
  const runs = new Map<string, number[]>();
  for (const run of repo.runs.values()) {
    if (run.inputs.session !== SESSION) continue;
    const name = run.inputs.experiment ?? "";
    runs.set(name, [...(runs.get(name) ?? []), run.id]);
  }
  return runs;
}

/** The status comment lines that say where the session stands: state line and counts. */
function standing(body: string): string[] {
  return body.split("\n").filter((line) => /^\*\*(▶️|⏹️)|^✅ \d+ kept/.test(line));
}

/**
 * What must hold of a session whatever moment the App was killed at, once it resumed: every
 * experiment recorded once and run once, the ratchet where the ledger says, one promotion pull
 * request, and one status comment that tells the ledger's state.
 */
export function expectSound(repo: FakeRepo, at: string, now = START): SessionState {
  const events = repo.ledger(SESSION);
  const state = replay(events);
  const proposed = ofType(events, "proposed").map((e) => e.experiment);
  expect(proposed, `${at}: experiments proposed once each, numbered 1, 2, …`).toEqual(
    proposed.map((_, i) => i + 1),
  );
  const finished = ofType(events, "finished").map((e) => e.experiment);
  expect(new Set(finished).size, `${at}: experiments finished once each`).toBe(finished.length);
  const runs = runsByExperiment(repo);
  expect(
    [...runs.keys()].sort(),
    `${at}: the runs dispatched are those of the experiments proposed`,
  ).toEqual(proposed.map((n) => `exp-${n}`).sort());
  for (const [name, ids] of runs) expect(ids, `${at}: ${name} was dispatched once`).toHaveLength(1);
  for (const d of ofType(events, "dispatched"))
    expect([d.run_id], `${at}: exp-${d.experiment} recorded with the run that ran it`).toEqual(
      runs.get(`exp-${d.experiment}`),
    );
  const dispatched = ofType(events, "dispatched").map((e) => e.experiment);
  expect(new Set(dispatched).size, `${at}: each run recorded once`).toBe(dispatched.length);
  for (const x of state.experiments)
    if (x?.phase === "running" && (x.kind === "candidate" || x.kind === "rebase"))
      expect(
        repo.refs.get(`heads/autoopt/${SESSION}/exp-${x.id}`),
        `${at}: exp-${x.id} runs on its branch`,
      ).toBe(x.sha);
  expect(repo.refs.get(`heads/${RATCHET}`), `${at}: the ratchet where the ledger has it`).toBe(
    state.ratchetSha,
  );
  const pulls = [...repo.pulls.values()].filter((p) => p.head === RATCHET);
  expect(pulls.length, `${at}: at most one promotion PR`).toBeLessThanOrEqual(1);
  const kept = state.experiments.some((e) => e?.outcome === "keep");
  if (kept)
    expect(
      pulls.map((p) => p.state),
      `${at}: the promotion PR is open`,
    ).toEqual(["open"]);
  if (state.meta.promotionPr !== undefined)
    expect(state.meta.promotionPr, `${at}: the ledger names the promotion PR`).toBe(
      pulls[0]?.number,
    );
  const comments = [...repo.comments.entries()].filter(([, c]) =>
    c.body.startsWith(statusMarker(SESSION)),
  );
  expect(
    comments.map(([id]) => id),
    `${at}: one status comment, the one the ledger names`,
  ).toEqual([state.meta.statusCommentId]);
  expect(standing(comments[0]?.[1].body ?? ""), `${at}: the status comment is up to date`).toEqual(
    standingOf(state, now),
  );
  return state;
}

/** The status comment's lines that say where a state stands, as the App renders them. */
function standingOf(state: SessionState, now: number): string[] {
  const settings = { max_experiments: 5, parallel: 1 };
  return standing(renderStatusComment({ session: SESSION, state, settings, now }));
}
