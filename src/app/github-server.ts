import { artifactsRefusedOn } from "../action/artifact-server.ts";

/**
 * The GitHub the App is connected to: github.com, or the host Probot is given in GHE_HOST (its
 * API then at PROTOCOL://HOST/api/v3). Every link the App writes starts with its web URL.
 */
export interface GitHubServer {
  /** `https://github.com`, or `https://HOST` (`GHE_PROTOCOL`'s scheme when set); no trailing slash. */
  readonly webUrl: string;
  /** The host as configured, e.g. `github.com` or `github.example.com`. */
  readonly host: string;
}

export const GITHUB_COM: GitHubServer = { webUrl: "https://github.com", host: "github.com" };

/** The server Probot talks to for GHE_HOST and GHE_PROTOCOL (see src/app/app-env.ts). */
export function gitHubServer(host: string | undefined, protocol?: string): GitHubServer {
  if (!host) return GITHUB_COM;
  return { webUrl: `${protocol || "https"}://${host}`, host };
}

/** The web page of a repository on the server; issue, pull and comment links extend it. */
export function repoWebUrl(server: GitHubServer, owner: string, repo: string): string {
  return `${server.webUrl}/${owner}/${repo}`;
}

/**
 * GitHub Enterprise Server, where the action cannot upload its results (@actions/artifact
 * refuses it), as opposed to github.com and GitHub Enterprise Cloud, GHE.com included.
 */
export function isEnterpriseServer(server: GitHubServer): boolean {
  return URL.canParse(server.webUrl) && artifactsRefusedOn(new URL(server.webUrl).hostname);
}
