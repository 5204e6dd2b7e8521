import { DefaultArtifactClient } from "@actions/artifact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionError } from "../../src/action/action-error.ts";
import { artifactsRefusedOn, checkArtifactServer } from "../../src/action/artifact-server.ts";

const HOSTS = [
  "github.com",
  "GitHub.com",
  "octo-corp.ghe.com",
  "runner.localhost",
  "github.example.com",
  "ghe.com",
  "github.com.example.com",
  "127.0.0.1",
];

/** What the installed @actions/artifact does with an upload on a server of that host. */
async function clientRefuses(host: string): Promise<boolean> {
  vi.stubEnv("GITHUB_SERVER_URL", `https://${host}`);
  // Its failure warning goes to stdout as a workflow command; not this test's concern.
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  // No files and a root that does not exist: past the server check, it fails before any request.
  const upload = new DefaultArtifactClient().uploadArtifact("x", [], "/nonexistent/autoopt");
  const error = await upload.then(
    () => undefined,
    (e: unknown) => e,
  );
  vi.restoreAllMocks();
  expect(error).toBeInstanceOf(Error);
  return error instanceof Error && error.name === "GHESNotSupportedError";
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("artifactsRefusedOn", () => {
  it.each(HOSTS)("agrees with the installed @actions/artifact on %s", async (host) => {
    expect(artifactsRefusedOn(new URL(`https://${host}`).hostname)).toBe(await clientRefuses(host));
  });

  it("refuses GitHub Enterprise Server only, not github.com or GHE.com", () => {
    expect(artifactsRefusedOn("github.com")).toBe(false);
    expect(artifactsRefusedOn("octo-corp.ghe.com")).toBe(false);
    expect(artifactsRefusedOn("github.example.com")).toBe(true);
  });
});

describe("checkArtifactServer", () => {
  it("lets github.com (also when the runner does not say), and GHE.com, through", () => {
    expect(() => checkArtifactServer({}, "exp-7")).not.toThrow();
    const server = { GITHUB_SERVER_URL: "https://github.com" };
    expect(() => checkArtifactServer(server, "exp-7")).not.toThrow();
    const cloud = { GITHUB_SERVER_URL: "https://octo-corp.ghe.com" };
    expect(() => checkArtifactServer(cloud, "exp-7")).not.toThrow();
  });

  it("fails on GitHub Enterprise Server with the server, the cause and the way out", () => {
    const env = { GITHUB_SERVER_URL: "https://github.example.com" };
    const error = (() => {
      try {
        checkArtifactServer(env, "exp-7");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toBe(
      "this job runs on GitHub Enterprise Server (GITHUB_SERVER_URL is https://github.example.com), where the autoopt action cannot record a result, so exp-7 was not run. The action uploads result.json as an artifact with @actions/artifact (the client behind actions/upload-artifact@v4), and @actions/artifact does not support artifact uploads on GitHub Enterprise Server (it fails with GHESNotSupportedError). Run autoopt's App and workflow on github.com or GitHub Enterprise Cloud (GHE.com included), or run the loop on a machine of your own with `npx autoopt run`, which needs no artifacts (see docs/runners.md)",
    );
  });

  it("names a GITHUB_SERVER_URL that is not a URL", () => {
    expect(() => checkArtifactServer({ GITHUB_SERVER_URL: "github.example.com" }, "exp-7")).toThrow(
      /^GITHUB_SERVER_URL is "github\.example\.com", not a URL/,
    );
  });
});
