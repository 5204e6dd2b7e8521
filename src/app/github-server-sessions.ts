import { type GitHubServer, isEnterpriseServer } from "./github-server.ts";
import type { SessionService } from "./session-service.ts";

/**
 * The sessions the App offers on its server. On GitHub Enterprise Server every experiment's run
 * would fail at its upload, so `/autoopt start` is refused at once, before anything is created or
 * dispatched; the other commands go through (they find no session there and say so).
 */
export function sessionsOn(
  server: GitHubServer,
  sessions: SessionService,
  log?: { warn(message: string): void },
): SessionService {
  if (!isEnterpriseServer(server)) return sessions;
  log?.warn(
    `GHE_HOST is ${server.host}, a GitHub Enterprise Server: /autoopt start will be refused there, because the autoopt action cannot upload its results as artifacts on GitHub Enterprise Server (see docs/app.md)`,
  );
  return {
    start: async () => enterpriseServerRefusal(server),
    stop: (at) => sessions.stop(at),
    status: (at) => sessions.status(at),
    promote: (at) => sessions.promote(at),
    runCompleted: (event) => sessions.runCompleted(event),
    promotionClosed: (event) => sessions.promotionClosed(event),
    reconcile: (owner, repo, installationId) => sessions.reconcile(owner, repo, installationId),
  };
}

/** The reply to `/autoopt start` on GitHub Enterprise Server: which server, why, what to do. */
export function enterpriseServerRefusal(server: GitHubServer): string {
  return [
    `autoopt cannot run sessions here: this App is connected to **${server.host}**, a GitHub Enterprise Server, and there the autoopt action cannot record any experiment's result. The action uploads each run's \`result.json\` as an artifact with \`@actions/artifact\` (the client behind \`actions/upload-artifact@v4\`), and \`@actions/artifact\` does not support artifact uploads on GitHub Enterprise Server, so every run would fail at its upload. No session was started and nothing was dispatched.`,
    "",
    "What you can do:",
    "- Run the loop on a machine of your own: in a clone of this repository, `npx autoopt init` and `npx autoopt run`. Local mode needs no artifacts; push its `autoopt/<session>/ratchet` branch here and open a pull request to review the winners.",
    "- Or use the App and the experiment workflow on github.com or GitHub Enterprise Cloud (GHE.com included), where the action can upload its results.",
    "",
    "See docs/app.md, section GitHub Enterprise Server.",
  ].join("\n");
}
