import { setTimeout as sleep } from "node:timers/promises";
import { ArtifactNameTaken, isNameConflict } from "./artifact-name-taken.ts";

/** The part of @actions/artifact's DefaultArtifactClient the action uses. */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>;
}

export interface ArtifactRequest {
  name: string;
  files: string[];
  rootDirectory: string;
  retentionDays: number;
}

export interface RetryPolicy {
  attempts: number;
  /** Wait before the 2nd, 3rd… attempt. The client already retries 5xx answers inside one attempt. */
  delaysMs: readonly number[];
  wait?: (ms: number) => Promise<unknown>;
}

export const UPLOAD_RETRY: RetryPolicy = { attempts: 3, delaysMs: [2_000, 5_000] };

/**
 * Uploads the artifact, trying again after a failure; throws once every attempt has failed. A
 * name already taken is not retried: it throws ArtifactNameTaken at once.
 */
export async function uploadWithRetry(
  uploader: ArtifactUploader,
  request: ArtifactRequest,
  log: (message: string) => void,
  policy: RetryPolicy = UPLOAD_RETRY,
): Promise<{ id: number }> {
  const wait = policy.wait ?? sleep;
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const { rootDirectory, files, name, retentionDays } = request;
      const uploaded = await uploader.uploadArtifact(name, files, rootDirectory, { retentionDays });
      if (uploaded.id === undefined)
        throw new Error("the artifact service returned no artifact id");
      return { id: uploaded.id };
    } catch (error) {
      if (isNameConflict(error))
        throw new ArtifactNameTaken(request.name, attempt, { cause: error });
      lastError = error;
      if (attempt === policy.attempts) break;
      const delay = policy.delaysMs[attempt - 1] ?? policy.delaysMs.at(-1) ?? 0;
      log(
        `upload attempt ${attempt} of ${policy.attempts} failed (${messageOf(error)}); retrying in ${delay} ms`,
      );
      await wait(delay);
    }
  }
  throw new Error(
    `uploading artifact ${request.name} failed ${policy.attempts} times; last error: ${messageOf(lastError)}`,
    { cause: lastError },
  );
}

/** The first line of an error, with the HTTP status and service code when it carries them. */
function messageOf(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  if (typeof error !== "object" || error === null) return message;
  const status =
    "statusCode" in error && typeof error.statusCode === "number" ? `HTTP ${error.statusCode}` : "";
  const code =
    "code" in error && typeof error.code === "string" && !message.includes(error.code)
      ? error.code
      : "";
  const detail = [status, code].filter(Boolean).join(" ");
  return detail ? `${message} (${detail})` : message;
}
