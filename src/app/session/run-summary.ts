import { type Result, type RunSummary, summaryOf } from "../../core/index.ts";
import { crashed, readResult } from "./artifact-result.ts";
import { containmentProblem } from "./containment-problem.ts";
import type { SessionContext } from "./session-context.ts";
import { artifactName } from "./session-names.ts";

/** A completed run, as the webhook or GET /actions/runs/{id} describes it. */
export interface CompletedRun {
  runId: number;
  conclusion: string | null;
  htmlUrl: string;
}

/** What a run was started for: the workflow's `experiment` input (exp-7, heldout-best) and commit. */
export interface RunTarget {
  experiment: string;
  sha: string;
}

/** A run's artifact, fetched: its zip and a result.json the App may judge, or why there is none. */
export type FetchedArtifact =
  | { type: "ok"; result: Result; zip: Uint8Array }
  | { type: "missing" | "expired"; name: string }
  | { type: "invalid"; problem: string };

/**
 * Downloads the artifact of run `runId` started for `x` and reads its result.json, which must be
 * that run's (a result of another experiment or commit is never taken for this one's) and come
 * from a run contained as the session's config demands.
 */
export async function fetchArtifact(
  ctx: SessionContext,
  x: RunTarget,
  runId: number,
): Promise<FetchedArtifact> {
  const name = artifactName(ctx.session, x.experiment);
  const artifact = (await ctx.api.artifacts(runId, name)).find((a) => a.name === name);
  if (!artifact) return { type: "missing", name };
  if (artifact.expired) return { type: "expired", name };
  const zip = await ctx.api.downloadArtifact(artifact.id);
  const result = readResult(zip, name);
  if (typeof result === "string") return { type: "invalid", problem: result };
  const mismatch = identityProblem(result, ctx.session, x);
  if (mismatch) return { type: "invalid", problem: `result.json is not valid: ${mismatch}` };
  const uncontained = containmentProblem(result, ctx.config);
  if (uncontained) return { type: "invalid", problem: uncontained };
  return { type: "ok", result, zip };
}

/**
 * What the run started for `x` came to: its result.json from the run's artifact, or a crash that
 * says why there is none. A run that failed without uploading (the upload failed, the job was
 * cancelled or timed out) is a crash, never a discard: nothing was measured. So is a run that
 * failed although its artifact exists: the action uploads last and fails the job when it finds
 * the name taken, so that artifact was uploaded by someone else (an escaped candidate). `keep`
 * receives the artifact of a run whose result is this run's (to cache it for the proposer).
 */
export async function runSummary(
  ctx: SessionContext,
  x: RunTarget,
  run: CompletedRun,
  keep?: (zip: Uint8Array) => Promise<void>,
): Promise<RunSummary> {
  const fetched = await fetchArtifact(ctx, x, run.runId);
  if (fetched.type === "ok" && run.conclusion !== "success") {
    return crashed(
      `the run ended \`${run.conclusion ?? "without a conclusion"}\` although an artifact with its result exists, so that result is not trusted: the action fails the job when another process uploaded under its artifact name first; see ${run.htmlUrl}`,
    );
  }
  switch (fetched.type) {
    case "missing":
      return crashed(noArtifact(run, fetched.name));
    case "expired":
      return crashed(
        `the artifact ${fetched.name} expired before autoopt read it; see ${run.htmlUrl}`,
      );
    case "invalid":
      return crashed(`${fetched.problem}; see ${run.htmlUrl}`);
  }
  await keep?.(fetched.zip);
  return summaryOf(fetched.result);
}

function noArtifact(run: CompletedRun, name: string): string {
  switch (run.conclusion) {
    case "cancelled":
      return `the run was cancelled before it uploaded its result; see ${run.htmlUrl}`;
    case "success":
      return `the run succeeded but uploaded no artifact named ${name}; see ${run.htmlUrl}`;
    default:
      return `the run ended \`${run.conclusion ?? "without a conclusion"}\` without uploading its result; see ${run.htmlUrl}`;
  }
}

/** A result.json that belongs to another experiment or commit must not be judged as this one's. */
function identityProblem(result: Result, session: string, x: RunTarget): string | undefined {
  const wanted = { session, experiment: x.experiment, candidate_sha: x.sha };
  const got = {
    session: result.session,
    experiment: result.experiment,
    candidate_sha: result.candidate_sha,
  };
  if (JSON.stringify(got) === JSON.stringify(wanted)) return undefined;
  const describe = (r: typeof wanted) =>
    `session ${r.session}, ${r.experiment}, commit ${r.candidate_sha.slice(0, 12)}`;
  return `it reports ${describe(got)}, but the run was started for ${describe(wanted)}`;
}
