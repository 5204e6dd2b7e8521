import type { Config } from "../config/index.ts";
import type { Result } from "../core/result.ts";
import { ActionError } from "./action-error.ts";
import type { ActionIO } from "./action-io.ts";
import { actionOutputs } from "./action-outputs.ts";
import { ArtifactNameTaken } from "./artifact-name-taken.ts";
import { jobSummary } from "./job-summary.ts";
import { stageArtifact } from "./stage-artifact.ts";
import { type ArtifactUploader, type RetryPolicy, uploadWithRetry } from "./upload-with-retry.ts";

export interface RecordRequest {
  result: Result;
  config: Config;
  archiveDir: string;
  retentionDays: number;
  uploader: ArtifactUploader;
  io: ActionIO;
  retry?: RetryPolicy;
}

/** The artifact the App looks for on the run: one per experiment. */
export function artifactName(session: string, experiment: string): string {
  return `autoopt-${session}-${experiment}`;
}

/**
 * Uploads the run's artifact, then sets the outputs and writes the summary. When the upload
 * fails for good this throws, with no outputs set: a result the App never receives must fail
 * the job, or the experiment would silently count as lost. A name someone else took first
 * fails the job as tampering, which is also what makes the App ignore that artifact.
 */
export async function recordResult(req: RecordRequest): Promise<void> {
  const { result, config, io } = req;
  const name = artifactName(result.session, result.experiment);
  const staged = await stageArtifact(req.archiveDir, result);
  let id: number;
  try {
    const request = { name, ...staged, retentionDays: req.retentionDays };
    ({ id } = await uploadWithRetry(req.uploader, request, (m) => io.warning(m), req.retry));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const taken = error instanceof ArtifactNameTaken;
    const outcome = { name, uploaded: false as const, error: message, taken };
    await io.appendSummary(jobSummary(result, config, outcome));
    if (taken) {
      throw new ActionError(`possible tampering: ${message}`, { cause: error });
    }
    throw new Error(
      `the result of ${result.experiment} was NOT recorded: ${message}. The run itself finished (${result.status}), but the App cannot see it and must not count it as discarded: re-run this job`,
      { cause: error },
    );
  }
  const outputs = actionOutputs(result, config, { name, id });
  for (const [key, value] of Object.entries(outputs)) io.setOutput(key, value);
  const artifact = { name, uploaded: true as const, id, retentionDays: req.retentionDays };
  await io.appendSummary(jobSummary(result, config, artifact));
}
