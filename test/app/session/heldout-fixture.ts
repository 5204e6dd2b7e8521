import type { HeldoutLabel, HeldoutRecorded } from "../../../src/core/index.ts";
import type { FakeRepo } from "./fake-repo.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  finishRun,
  type Harness,
  harness,
  result,
  seed,
} from "./session-fixture.ts";
import type { FakeRun } from "./session-shapes.ts";

export const HELDOUT_COMMAND = "python prepare.py --split test";

/** The fixture's config with `promotion.heldout` set. */
export function heldoutConfig(session: Record<string, unknown> = { max_experiments: 1 }) {
  return { ...config(session), promotion: { heldout: HELDOUT_COMMAND } };
}

/**
 * A session whose baseline measured 1.0 and whose first candidate (0.9) was kept; with the
 * default config it then stops (max_experiments: 1).
 */
export async function keptOnce(
  repo: FakeRepo,
  cfg: ReturnType<typeof config> = heldoutConfig(),
  h: Harness = harness(),
): Promise<{ h: Harness; head: string; best: string }> {
  const head = seed(repo);
  await h.sessions.start(AT, cfg, { name: "start" });
  await h.sessions.idle();
  await finishRun(h, repo, "exp-1", 1.0);
  await finishRun(h, repo, "exp-2", 0.9);
  const best = repo.refs.get("heads/autoopt/issue-7/ratchet") ?? "";
  return { h, head, best };
}

export function heldoutEvents(repo: FakeRepo): HeldoutRecorded[] {
  return repo.ledger("issue-7").filter((e): e is HeldoutRecorded => e.type === "heldout");
}

/** Every held-out run dispatched for `label`, oldest first. */
export function heldoutRuns(repo: FakeRepo, label: HeldoutLabel): FakeRun[] {
  return [...repo.runs.values()].filter((r) => r.inputs.experiment === `heldout-${label}`);
}

/** The one promotion pull request's body. */
export function promotionBody(repo: FakeRepo): string {
  const pulls = [...repo.pulls.values()];
  if (pulls.length !== 1) throw new Error(`${pulls.length} promotion pull requests, not 1`);
  return pulls[0]?.body ?? "";
}

/**
 * Completes the latest held-out run of `label`: with a result.json reporting val_bpb = `value`,
 * or with the given artifact files (none: no artifact), and delivers its completion.
 */
export async function finishHeldout(
  h: Harness,
  repo: FakeRepo,
  label: HeldoutLabel,
  outcome: number | { conclusion: string; files?: Record<string, string> },
): Promise<FakeRun> {
  const run = repo.run("issue-7", `heldout-${label}`);
  if (typeof outcome === "number")
    repo.complete(run, "success", artifactFiles(result(run, outcome)));
  else repo.complete(run, outcome.conclusion, outcome.files);
  await h.sessions.runCompleted(completedEvent(run));
  await h.sessions.idle();
  return run;
}
