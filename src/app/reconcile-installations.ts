import type { Probot } from "probot";
import type { AppLog } from "./app-log.ts";
import type { SessionService } from "./session-service.ts";

/**
 * After a start or restart: asks the sessions to pick up every repository the App is installed
 * on, from the ledger branches there (the App keeps no state of its own). One repository at a
 * time, so that a restart does not spend the rate limit in a burst; one failure is logged and
 * the rest go on.
 */
export async function reconcileInstallations(
  app: Pick<Probot, "auth">,
  sessions: Pick<SessionService, "reconcile">,
  log: AppLog,
): Promise<void> {
  const asApp = await app.auth();
  let installations: { id: number }[];
  try {
    installations = await asApp.paginate(asApp.rest.apps.listInstallations, { per_page: 100 });
  } catch (error) {
    // Not fatal: a session also resumes at its next webhook or `/autoopt status`.
    log.error({ err: error }, "could not list the App's installations to resume their sessions");
    return;
  }
  let repositories = 0;
  for (const installation of installations) {
    const octokit = await app.auth(installation.id);
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
    });
    for (const repo of repos) {
      repositories += 1;
      try {
        await sessions.reconcile(repo.owner.login, repo.name, installation.id);
      } catch (error) {
        log.error({ err: error, repo: repo.full_name }, "could not reconcile the sessions");
      }
    }
  }
  log.info({ installations: installations.length, repositories }, "reconciled the sessions");
}
