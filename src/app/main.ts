import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { type ApplicationFunction, run } from "probot";
import { createApp } from "./app.ts";
import { AppEnvError, archiveDirOf, readAppEnv } from "./app-env.ts";
import { proposerFor } from "./app-proposer.ts";
import { reconcileInstallations } from "./reconcile-installations.ts";
import { GitHubSessions } from "./session/github-sessions.ts";
import { WorkQueue } from "./work-queue.ts";

/** How long a SIGTERM waits for acknowledged commands and queued session work. */
const DRAIN_MS = 25_000;

/** This process's background work and sessions, drained on SIGTERM. */
let queue: WorkQueue | undefined;
let sessions: GitHubSessions | undefined;

/**
 * The production app: sessions kept on GitHub (ledger branches), and, once loaded, a reconcile of
 * every repository the App is installed on, so that a restart resumes every open session.
 */
const autoopt: ApplicationFunction = (app, options) => {
  const log = app.log.child({ name: "autoopt" });
  const github = new GitHubSessions({
    octokitFor: (installationId) => app.auth(installationId),
    proposerFor: proposerFor(process.env, log),
    clock: Date.now,
    log,
    archiveDir: archiveDirOf(process.env),
  });
  const work = new WorkQueue(log);
  createApp({ sessions: github, log, queue: work })(app, options);
  work.run("reconcile", () => reconcileInstallations(app, github, log));
  queue = work;
  sessions = github;
};

export default autoopt;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  applyDotEnv(env);
  if (readAppEnv(env, existsSync).kind === "setup") {
    console.info(
      "No APP_ID or private key yet: Probot's setup page will register the App from app.yml " +
        "and write .env (see docs/app.md). Set NODE_ENV=production to require them instead.",
    );
  }
  const server = await run(autoopt, { env });
  // Probot stops at once on SIGINT (Ctrl-C); a deployment's SIGTERM lets acknowledged commands finish.
  process.once("SIGTERM", () => {
    void (async () => {
      await server.stop();
      const drained = await Promise.race([
        Promise.all([queue?.idle(), sessions?.idle()]).then(() => true),
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
    console.error(error instanceof AppEnvError ? error.message : error);
    process.exitCode = 1;
  }
}
