// The CLI's choice, reused so that both entry points pick and explain the proposer alike.

import type { Config } from "../config/index.ts";
import { redactor, secretValues } from "../core/index.ts";
import { chooseProposer } from "../proposer/choose-proposer.ts";
import type { Proposer } from "../proposer/index.ts";
import type { AppLog } from "./app-log.ts";

/**
 * The App's own credentials. `proposer.api_key_env` names the variable whose value is sent as a
 * bearer token to `proposer.base_url`, and anyone with write access can set both in the config,
 * so these must never be reachable that way.
 */
export const APP_SECRETS = [
  "APP_ID",
  "PRIVATE_KEY",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
  "REDIS_URL",
  "SENTRY_DSN",
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The proposer for a session's config: the LLM one when its key variable is in `env` (less the
 * App's own credentials), else the offline search proposer, with a log line that says which.
 * Nothing it sends to a model holds a secret of `env`, the App's included.
 */
export function proposerFor(env: Env, log: AppLog): (config: Config) => Proposer {
  const secrets = new Set<string>(APP_SECRETS);
  const keys: Env = Object.fromEntries(Object.entries(env).filter(([name]) => !secrets.has(name)));
  // Redacted of the App's own credentials too, which the proposer is never handed.
  return (config) =>
    chooseProposer(
      config,
      keys,
      { write: (text: string) => log.info({ mode: config.mode }, text.trim()) },
      redactor(secretValues(env, config)),
    );
}
