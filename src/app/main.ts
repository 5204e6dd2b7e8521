import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { type ApplicationFunction, type Probot, run } from "probot";
import { createApp } from "./app.ts";
import { AppEnvError, archiveDirOf, gitHubServerOf, readAppEnv } from "./app-env.ts";
import type { AppLog } from "./app-log.ts";
import { proposerFor } from "./app-proposer.ts";
import { sessionsOn } from "./github-server-sessions.ts";
import { ListenError, listenErrorOf } from "./listen-error.ts";
import { reconcileInstallations } from "./reconcile-installations.ts";
import { GitHubSessions } from "./session/github-sessions.ts";
import { WorkQueue } from "./work-queue.ts";

/** How long a SIGTERM waits for acknowledged commands and queued session work. */
const DRAIN_MS = 25_000;

/** What the production app made when Probot loaded it. */
interface Loaded {
  probot: Probot;
  sessions: GitHubSessions;
  queue: WorkQueue;
  log: AppLog;
}

/**
 * The production app (sessions kept on GitHub, on ledger branches) and what main does with it
 * once the server listens. Loading it sends nothing to GitHub; `resume` then reconciles every
 * repository the App is installed on, so that a restart picks up every open session.
 */
function productionApp(env: NodeJS.ProcessEnv) {
  let loaded: Loaded | undefined;
  const app: ApplicationFunction = (probot, options) => {
    const log = probot.log.child({ name: "autoopt" });
    const server = gitHubServerOf(env);
    const sessions = new GitHubSessions({
      octokitFor: (installationId) => probot.auth(installationId),
      proposerFor: proposerFor(env, log),
      clock: Date.now,
      log,
      archiveDir: archiveDirOf(env),
      server,
    });
    const queue = new WorkQueue(log);
    createApp({ sessions: sessionsOn(server, sessions, log), log, queue })(probot, options);
    loaded = { probot, sessions, queue, log };
  };
  return {
    app,
    /** Queues the reconcile; a no-op in setup mode, where Probot never loads the app. */
    resume(): void {
      if (loaded === undefined) return;
      const { probot, sessions, queue, log } = loaded;
      queue.run("reconcile", () => reconcileInstallations(probot, sessions, log));
    },
    /** Resolves when acknowledged commands and queued session work are done. */
    async idle(): Promise<void> {
      await Promise.all([loaded?.queue.idle(), loaded?.sessions.idle()]);
    },
  };
}

/**
 * `npm start`: Probot's server with the production app. GitHub hears from this process only
 * after the server listens, so one that cannot serve (its port taken by another `npm start`)
 * exits without touching the sessions that the other one is running.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  applyDotEnv(env);
  if (readAppEnv(env, existsSync).kind === "setup") {
    console.info(
      "No APP_ID or private key yet: Probot's setup page will register the App from app.yml " +
        "and write .env (see docs/app.md). Set NODE_ENV=production to require them instead.",
    );
  }
  const production = productionApp(env);
  let server: Awaited<ReturnType<typeof run>>;
  try {
    server = await run(production.app, { env });
  } catch (error) {
    throw listenErrorOf(error, env) ?? error;
  }
  production.resume();
  // Probot stops at once on SIGINT (Ctrl-C); a deployment's SIGTERM lets acknowledged commands finish.
  process.once("SIGTERM", () => {
    void (async () => {
      await server.stop();
      const drained = await Promise.race([
        production.idle().then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, DRAIN_MS, false).unref()),
      ]);
      if (!drained) console.error(`stopped after ${DRAIN_MS / 1000} s with work unfinished`);
      process.exit(0);
    })();
  });
}

/**
 * Loads `.env` into the environment the way Probot's `run` does (its values win), before the
 * check, so that the check sees what Probot will use.
 */
function applyDotEnv(env: NodeJS.ProcessEnv): void {
  if (!existsSync(".env")) return;
  Object.assign(env, parseEnv(readFileSync(".env", "utf8")));
}

if (import.meta.main) {
  try {
    await main(process.env);
  } catch (error) {
    const known = error instanceof AppEnvError || error instanceof ListenError;
    console.error(known ? error.message : error);
    process.exitCode = 1;
  }
}
