import { describe, expect, it } from "vitest";
import { ArtifactNameTaken } from "../../src/action/artifact-name-taken.ts";
import { type ArtifactUploader, uploadWithRetry } from "../../src/action/upload-with-retry.ts";

const request = {
  name: "autoopt-s-exp-1",
  files: ["/r/result.json"],
  rootDirectory: "/r",
  retentionDays: 7,
};

function scripted(outcomes: (Error | number | undefined)[]) {
  const calls: unknown[][] = [];
  const uploader: ArtifactUploader = {
    uploadArtifact: async (...args) => {
      calls.push(args);
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next === undefined ? {} : { id: next, size: 10 };
    },
  };
  return { uploader, calls };
}

describe("uploadWithRetry", () => {
  it("passes the request through and returns the artifact id", async () => {
    const { uploader, calls } = scripted([17]);
    expect(await uploadWithRetry(uploader, request, () => {})).toEqual({ id: 17 });
    expect(calls).toEqual([["autoopt-s-exp-1", ["/r/result.json"], "/r", { retentionDays: 7 }]]);
  });

  it("waits with backoff between attempts and logs each failure", async () => {
    const { uploader, calls } = scripted([new Error("ECONNRESET"), new Error("503\nbody"), 5]);
    const waits: number[] = [];
    const logs: string[] = [];
    const policy = { attempts: 3, delaysMs: [10, 30], wait: async (ms: number) => waits.push(ms) };
    expect(await uploadWithRetry(uploader, request, (m) => logs.push(m), policy)).toEqual({
      id: 5,
    });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([10, 30]);
    expect(logs).toEqual([
      "upload attempt 1 of 3 failed (ECONNRESET); retrying in 10 ms",
      "upload attempt 2 of 3 failed (503); retrying in 30 ms",
    ]);
  });

  it("gives up after the last attempt, with the last error as the cause", async () => {
    const last = Object.assign(new Error("Server failed to authenticate"), {
      statusCode: 403,
      code: "AuthenticationFailed",
    });
    const { uploader, calls } = scripted([new Error("first"), new Error("second"), last]);
    const policy = { attempts: 3, delaysMs: [0], wait: async () => {} };
    const failure = uploadWithRetry(uploader, request, () => {}, policy);
    await expect(failure).rejects.toThrow(
      "uploading artifact autoopt-s-exp-1 failed 3 times; last error: Server failed to authenticate (HTTP 403 AuthenticationFailed)",
    );
    await expect(failure).rejects.toHaveProperty("cause", last);
    expect(calls).toHaveLength(3);
  });

  it("does not retry a name that is taken: someone else uploaded under it first", async () => {
    // What @actions/artifact 6 throws when the results service answers CreateArtifact with 409.
    const taken = new Error(
      "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run",
    );
    const { uploader, calls } = scripted([taken, 5]);
    const logs: string[] = [];
    const policy = { attempts: 3, delaysMs: [0], wait: async () => {} };
    const failure = uploadWithRetry(uploader, request, (m) => logs.push(m), policy);
    await expect(failure).rejects.toBeInstanceOf(ArtifactNameTaken);
    await expect(failure).rejects.toThrow(
      /^the artifact name autoopt-s-exp-1 was already taken on this workflow run: another process of this job uploaded under it first: a candidate that escaped/,
    );
    await expect(failure).rejects.toHaveProperty("cause", taken);
    expect(calls).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it("says when a taken name may be its own earlier attempt's", async () => {
    const taken = Object.assign(new Error("conflict"), { statusCode: 409 });
    const { uploader, calls } = scripted([new Error("ECONNRESET"), taken]);
    const policy = { attempts: 3, delaysMs: [0], wait: async () => {} };
    await expect(uploadWithRetry(uploader, request, () => {}, policy)).rejects.toThrow(
      "uploaded under it first (or upload attempt 1 of this step created it before it failed)",
    );
    expect(calls).toHaveLength(2);
  });

  it("counts an answer without an artifact id as a failure", async () => {
    const { uploader } = scripted([undefined]);
    const policy = { attempts: 1, delaysMs: [], wait: async () => {} };
    await expect(uploadWithRetry(uploader, request, () => {}, policy)).rejects.toThrow(
      "returned no artifact id",
    );
  });
});
