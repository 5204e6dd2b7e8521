import type { Config } from "../config/index.ts";
import type { StartCommand } from "./commands/command.ts";

/** A repository as a webhook names it. */
export interface RepoRef {
  owner: string;
  repo: string;
  installationId: number;
  /** The repository's GraphQL node id, from the payload: spares reading it. */
  repositoryId?: string;
}

/** Where a command came from: the repository and the issue it was typed on. */
export interface IssueRef extends RepoRef {
  /** The default branch the ratchet starts from and the promotion PR targets. */
  defaultBranch: string;
  issue: number;
  /** Who typed the command (a login), for the ledger's record of stops and starts. */
  sender?: string;
}

/** A `workflow_run` event, reduced to what a session needs (from the webhook payload). */
export interface RunCompleted extends RepoRef {
  runId: number;
  runName: string;
  /** `completed` runs only; `success`, `failure`, `cancelled`, `timed_out`, … */
  conclusion: string | null;
  htmlUrl: string;
  workflowPath: string;
}

/** A merged or closed promotion pull request. */
export interface PromotionClosed extends RepoRef {
  headRef: string;
  merged: boolean;
  number: number;
}

/**
 * What the App's webhook handlers ask of sessions. Every method is idempotent and safe to call
 * again for a repeated or out-of-order delivery; each resolves with the markdown to reply with,
 * where there is one. Implementations queue the slow work (proposals, artifact downloads) per
 * session so that handlers return at once.
 */
export interface SessionService {
  start(at: IssueRef, config: Config, command: StartCommand): Promise<string>;
  stop(at: IssueRef): Promise<string>;
  status(at: IssueRef): Promise<string>;
  promote(at: IssueRef): Promise<string>;
  runCompleted(event: RunCompleted): Promise<void>;
  promotionClosed(event: PromotionClosed): Promise<void>;
  /** After a restart: picks up every open session from its ledger branch and its runs. */
  reconcile(owner: string, repo: string, installationId: number): Promise<void>;
}
