import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type GitHubServer, gitHubServer } from "./github-server.ts";

/**
 * What the App's server needs from its environment, checked before Probot starts so that a
 * missing or wrong variable is named, with where to find its value, instead of surfacing later
 * as a failed signature or token. The variable names are Probot's own.
 */
export type AppEnv = { kind: "setup" } | { kind: "serve" };

export type Env = Readonly<Record<string, string | undefined>>;

/** Every problem found, one line each. */
export class AppEnvError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `autoopt cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Set them in the environment or in .env (docs/app.md lists every variable).",
    );
    this.name = "AppEnvError";
    this.problems = problems;
  }
}

const SETTINGS_PAGE = "the App's settings page (Settings → Developer settings → GitHub Apps)";

/**
 * `setup` on a fresh development checkout (no App ID, no key): Probot then serves its page that
 * registers the App from app.yml and writes .env. Otherwise every variable is checked and all
 * problems are thrown together. `exists` says whether a file is there (PRIVATE_KEY_PATH).
 */
export function readAppEnv(env: Env, exists: (path: string) => boolean): AppEnv {
  const hasKey = Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
  if (!env.APP_ID && !hasKey && env.NODE_ENV !== "production") return { kind: "setup" };
  const problems = [
    ...appIdProblems(env.APP_ID),
    ...keyProblems(env, exists),
    ...secretProblems(env.WEBHOOK_SECRET),
    ...portProblems(env.PORT),
    ...proxyProblems(env.WEBHOOK_PROXY_URL),
    ...serverProblems(env.GHE_HOST, env.GHE_PROTOCOL),
  ];
  if (problems.length > 0) throw new AppEnvError(problems);
  return { kind: "serve" };
}

function appIdProblems(appId: string | undefined): string[] {
  if (!appId) return [`APP_ID is not set: it is the "App ID" number on ${SETTINGS_PAGE}`];
  if (!/^[1-9]\d*$/.test(appId))
    return [
      `APP_ID is ${JSON.stringify(appId)}, not a number: copy the "App ID" from ${SETTINGS_PAGE}`,
    ];
  return [];
}

function keyProblems(env: Env, exists: (path: string) => boolean): string[] {
  if (env.PRIVATE_KEY) {
    const text = env.PRIVATE_KEY.includes("-----BEGIN")
      ? env.PRIVATE_KEY
      : Buffer.from(env.PRIVATE_KEY, "base64").toString("utf8");
    if (/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) return [];
    return [
      "PRIVATE_KEY does not hold a PEM private key: paste the whole .pem file (with its BEGIN and END lines), or its base64 encoding",
    ];
  }
  if (env.PRIVATE_KEY_PATH) {
    if (exists(env.PRIVATE_KEY_PATH)) return [];
    return [
      `PRIVATE_KEY_PATH is ${JSON.stringify(env.PRIVATE_KEY_PATH)}, and there is no file there`,
    ];
  }
  return [
    `PRIVATE_KEY and PRIVATE_KEY_PATH are both unset: generate a private key on ${SETTINGS_PAGE}, then set PRIVATE_KEY_PATH to the downloaded .pem file, or PRIVATE_KEY to its contents`,
  ];
}

function secretProblems(secret: string | undefined): string[] {
  if (secret) return [];
  // Probot would fall back to the secret "development", and refuse every real delivery.
  return [
    `WEBHOOK_SECRET is not set: use the webhook secret entered on ${SETTINGS_PAGE}; the manifest flow writes it to .env`,
  ];
}

function portProblems(port: string | undefined): string[] {
  if (port === undefined || port === "") return [];
  const n = Number(port);
  if (Number.isInteger(n) && n >= 0 && n <= 65_535) return [];
  return [`PORT is ${JSON.stringify(port)}: give a port number from 0 to 65535 (default 3000)`];
}

function proxyProblems(url: string | undefined): string[] {
  if (!url || URL.canParse(url)) return [];
  return [
    `WEBHOOK_PROXY_URL is ${JSON.stringify(url)}, not a URL: give the channel URL, e.g. https://smee.io/AbC123`,
  ];
}

function serverProblems(host: string | undefined, protocol: string | undefined): string[] {
  const problems: string[] = [];
  if (protocol && protocol !== "https" && protocol !== "http")
    problems.push(`GHE_PROTOCOL is ${JSON.stringify(protocol)}: give https (the default) or http`);
  if (host && (/[/\\\s]/.test(host) || !URL.canParse(`https://${host}`)))
    problems.push(
      `GHE_HOST is ${JSON.stringify(host)}: give the server's host name alone, e.g. github.example.com, without https:// or a path (Probot adds https:// and /api/v3); leave it unset for github.com`,
    );
  return problems;
}

/**
 * The GitHub server the App talks to and links to: GHE_HOST (with GHE_PROTOCOL), as Probot reads
 * them, else github.com. Sessions build every link they write from it.
 */
export function gitHubServerOf(env: Env): GitHubServer {
  return gitHubServer(env.GHE_HOST, env.GHE_PROTOCOL);
}

/**
 * The folder under which the App caches each session's archive (proposals, diffs, run logs and
 * traces) for the LLM proposer's tools: `AUTOOPT_ARCHIVE_DIR`, else `autoopt-app-archive` in the
 * system's temporary folder. A cache: deleting it loses nothing the ledger branch does not keep.
 */
export function archiveDirOf(env: Env, temporary: string = tmpdir()): string {
  const dir = env.AUTOOPT_ARCHIVE_DIR?.trim();
  return dir ? resolve(dir) : join(temporary, "autoopt-app-archive");
}
