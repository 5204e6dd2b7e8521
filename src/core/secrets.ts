import type { Config } from "../config/index.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** Shorter values are too common to be told apart from ordinary text (`true`, a port, a region). */
export const MIN_SECRET_LENGTH = 8;

/** Variables whose values are credentials whatever their shape. */
const NAMED = new Set([
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_SECRET",
  "REDIS_URL",
  "SENTRY_DSN",
  "DATABASE_URL",
]);

/** Prefixes of services that put tokens in variables whose names do not say so. */
const PREFIXES = ["ACTIONS_", "AWS_"];

/** Parts of a name (split at `_`) that mark a credential: `HF_TOKEN`, `OPENAI_API_KEY`, `DB_PASSWORD`. */
const PARTS = new Set([
  "TOKEN",
  "KEY",
  "APIKEY",
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "CREDENTIAL",
  "CREDENTIALS",
  "PAT",
]);

/** Names under a secret-looking prefix that hold settings, not credentials. */
const NOT_SECRET = /_(REGION|DEFAULT_REGION|PROFILE|OUTPUT|PATH|FILE|URL)$/;

/** Whether a variable's name says its value is a credential. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (NAMED.has(upper)) return true;
  if (upper.split(/_+/).some((part) => PARTS.has(part))) return !/_(PATH|FILE)$/.test(upper);
  return PREFIXES.some((p) => upper.startsWith(p)) && !NOT_SECRET.test(upper);
}

/**
 * The values to keep out of everything autoopt writes or sends: those of the proposer's key
 * variable and of every variable whose name marks a credential, each multi-line value also line
 * by line (a PEM key is often printed one line at a time). Longest first, so that a secret that
 * contains another is replaced whole.
 */
export function secretValues(env: Env, config?: Pick<Config, "proposer">): string[] {
  const keyVariable = config?.proposer.kind === "llm" ? config.proposer.api_key_env : undefined;
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !(name === keyVariable || isSecretName(name))) continue;
    for (const piece of [value, ...value.split(/\r?\n/)]) {
      const trimmed = piece.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}
