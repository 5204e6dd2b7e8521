/**
 * The artifact service refused to create the run's artifact because one of that name already
 * exists on the workflow run. The action uploads once, at the end, so someone else uploaded
 * under the name first: a process of this job that escaped its sandbox with the runtime token,
 * or a workflow step that uploads an artifact of the same name. Trying again cannot help, and
 * that artifact must not be taken for the run's result.
 */
export class ArtifactNameTaken extends Error {
  readonly artifact: string;
  constructor(artifact: string, attempt: number, options?: { cause?: unknown }) {
    // A failed earlier attempt may have got as far as creating the artifact itself.
    const earlier =
      attempt > 1
        ? ` (or upload attempt ${attempt - 1} of this step created it before it failed)`
        : "";
    super(
      `the artifact name ${artifact} was already taken on this workflow run: another process of this job uploaded under it first${earlier}: a candidate that escaped its sandbox, or a workflow step that uploads an artifact of that name. That artifact is not this run's result and the App must not trust it; it ignores artifacts of failed runs. Check the workflow for other upload steps and the runner for leftover processes, then dispatch the experiment again`,
      options,
    );
    this.name = "ArtifactNameTaken";
    this.artifact = artifact;
  }
}

/**
 * How @actions/artifact 6 reports a taken name: its Twirp client turns the service's HTTP 409
 * into `Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict:
 * an artifact with this name already exists on the workflow run`, a plain Error.
 */
export function isNameConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ("statusCode" in error && error.statusCode === 409) return true;
  const { message } = error;
  return /\bCreateArtifact\b/.test(message) && /\(409\)|already exists/i.test(message);
}
