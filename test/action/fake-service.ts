// The fake artifact service shared by nock-preload.ts (inside the action's process) and the tests.

export const RESULTS_URL = "https://results-receiver.actions.githubusercontent.com/";
export const TWIRP = "/twirp/github.actions.results.api.v1.ArtifactService";
export const BLOB = "https://autooptfake.blob.core.windows.net";
export const BLOB_PATH = "/actions-results/run-1/artifact.zip";
export const SIGNATURE = "fakesignature";
export const SIGNED_URL = `${BLOB}${BLOB_PATH}?sv=2024-08-04&se=2099-01-01T00%3A00%3A00Z&sr=b&sp=cw&sig=${SIGNATURE}`;
export const FAKE_ARTIFACT_ID = "4242";
export const RUN_BACKEND_ID = "ce7f54c7-61c7-4aae-887f-30da475f5f1a";
export const JOB_BACKEND_ID = "ca395085-040a-526b-2ce8-bdc85f692774";

/**
 * A runtime token shaped like the runner's: a JWT whose `scp` claim carries
 * `Actions.Results:<workflow run backend id>:<job backend id>`, which @actions/artifact decodes
 * (it never checks the signature).
 */
export function fakeRuntimeToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const scp = `Actions.ExampleScope Actions.Results:${RUN_BACKEND_ID}:${JOB_BACKEND_ID}`;
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ scp, exp: 4102444800 })}.c2lnbmF0dXJl`;
}
