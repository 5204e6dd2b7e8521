import { ActionError } from "./action-error.ts";

/**
 * Whether @actions/artifact refuses every call on the server of this host name. Version 6 throws
 * GHESNotSupportedError before any request unless GITHUB_SERVER_URL's host is github.com, a
 * GHE.com subdomain (GitHub Enterprise Cloud with data residency) or a `.localhost` one: its
 * `isGhes` in lib/internal/shared/config.js, followed rule for rule here so that the job fails
 * before the experiment spends its budget rather than after. The App refuses `/autoopt start` by
 * the same rule. test/action/artifact-server.test.ts holds it to the installed client.
 */
export function artifactsRefusedOn(hostname: string): boolean {
  const host = hostname.trimEnd().toLowerCase();
  return host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost");
}

/**
 * Fails the job at once, before anything runs, on a server where the result cannot be uploaded
 * (GitHub Enterprise Server), naming the server, the cause and what to do instead.
 */
export function checkArtifactServer(
  env: Readonly<Record<string, string | undefined>>,
  experiment: string,
): void {
  const url = env.GITHUB_SERVER_URL || "https://github.com";
  if (!URL.canParse(url)) {
    throw new ActionError(
      `GITHUB_SERVER_URL is ${JSON.stringify(url)}, not a URL, so the result of ${experiment} could not be uploaded and it was not run. The runner sets this variable: check the runner's environment (.env in its folder) for an override`,
    );
  }
  if (!artifactsRefusedOn(new URL(url).hostname)) return;
  throw new ActionError(
    `this job runs on GitHub Enterprise Server (GITHUB_SERVER_URL is ${url}), where the autoopt action cannot record a result, so ${experiment} was not run. The action uploads result.json as an artifact with @actions/artifact (the client behind actions/upload-artifact@v4), and @actions/artifact does not support artifact uploads on GitHub Enterprise Server (it fails with GHESNotSupportedError). Run autoopt's App and workflow on github.com or GitHub Enterprise Cloud (GHE.com included), or run the loop on a machine of your own with \`npx autoopt run\`, which needs no artifacts (see docs/runners.md)`,
  );
}
