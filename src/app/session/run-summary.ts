import type { Result, RunSummary } from "../../core/index.ts";
import { crashed, readResult, summaryOf } from "./artifact-result.ts";
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

/**
 * What the run started for `x` came to: its result.json from the run's artifact, or a crash that
 * says why there is none. A run that failed without uploading (the upload failed, the job was
 * cancelled or timed out) is a crash, never a discard: nothing was measured.
 */
export async function runSummary(
  ctx: SessionContext,
  x: RunTarget,
  run: CompletedRun,
): Promise<RunSummary> {
  const name = artifactName(ctx.session, x.experiment);
  const artifact = (await ctx.api.artifacts(run.runId, name)).find((a) => a.name === name);
  if (!artifact) return crashed(noArtifact(run, name));
  if (artifact.expired)
    return crashed(`the artifact ${name} expired before autoopt read it; see ${run.htmlUrl}`);
  const result = readResult(await ctx.api.downloadArtifact(artifact.id), name);
  if (typeof result === "string") return crashed(`${result}; see ${run.htmlUrl}`);
  const mismatch = identityProblem(result, ctx.session, x);
  if (mismatch) return crashed(`result.json is not valid: ${mismatch}; see ${run.htmlUrl}`);
  return summaryOf(result);
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
