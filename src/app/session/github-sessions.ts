import type { Config } from "../../config/index.ts";
import type { SessionState } from "../../core/index.ts";
import type { Proposer } from "../../proposer/index.ts";
import { ArchiveCache } from "../archive/archive-cache.ts";
import type { StartCommand } from "../commands/command.ts";
import type { GitHubServer } from "../github-server.ts";
import type {
  IssueRef,
  PromotionClosed,
  RunCompleted,
  SessionService,
} from "../session-service.ts";
import { advanceSession } from "./advance-session.ts";
import { completeRun } from "./complete-run.ts";
import { effectiveConfig } from "./effective-config.ts";
import { completeHeldout, dispatchHeldout } from "./heldout-runs.ts";
import { resumeSession } from "./resume-session.ts";
import { SessionApi } from "./session-api.ts";
import type { SessionClient } from "./session-client.ts";
import { SessionContext, type SessionLog } from "./session-context.ts";
import { runJob } from "./session-job.ts";
import {
  issueRefPrefix,
  ledgerSessions,
  parseHeldoutRunName,
  parseRunName,
  sessionName,
  sessionOfRatchet,
  sessionsOfIssue,
} from "./session-names.ts";
import { APP_PARTS } from "./session-parts.ts";
import { SessionQueue } from "./session-queue.ts";
import * as reply from "./session-replies.ts";
import { pullUrl, refreshPromotion, statusUrl, updateStatus } from "./session-report.ts";
import { startSession } from "./start-session.ts";

export interface GitHubSessionsOptions {
  /** An Octokit authenticated as the App's installation (Probot: `app.auth(id)`). */
  octokitFor(installationId: number): SessionClient | Promise<SessionClient>;
  proposerFor(config: Config): Proposer;
  /** Milliseconds since the epoch; sessions never read the clock themselves. */
  clock: () => number;
  log: SessionLog;
  /**
   * Where each session's archive is cached for the LLM proposer's tools (src/app/app-env.ts
   * reads it from AUTOOPT_ARCHIVE_DIR). Without it proposers get no tools.
   */
  archiveDir?: string;
  /** The server the App is connected to (src/app/app-env.ts reads GHE_HOST); github.com without. */
  server?: GitHubServer;
}

/** A command's issue, with who typed it when the caller knows. */
export type CommandRef = IssueRef & { sender?: string };

/**
 * Sessions on GitHub: state on each session's ledger branch, runs on GitHub Actions. Handlers
 * answer at once; the slow work (proposals, artifact downloads) runs in a queue per session.
 * Nothing is kept in memory that the ledger branch and the runs cannot tell again, so a fresh
 * instance picks every open session up with `reconcile`. One App process per installation is
 * assumed: the ledger's compare-and-swap keeps two writers from losing rows, not from judging
 * the same run twice.
 */
export class GitHubSessions implements SessionService {
  private readonly o: GitHubSessionsOptions;
  private readonly queue: SessionQueue;
  private readonly contexts = new Map<string, Promise<SessionContext>>();
  private readonly archive: ArchiveCache | undefined;

  constructor(options: GitHubSessionsOptions) {
    this.o = options;
    this.archive =
      options.archiveDir === undefined ? undefined : new ArchiveCache(options.archiveDir);
    this.queue = new SessionQueue((key, error) =>
      options.log.error(`autoopt session ${key}: ${String(error)}`),
    );
  }

  /** Resolves once every queued job is done (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** API requests made for a session so far, counting what its ledger recorded before a restart. */
  async apiRequests(owner: string, repo: string, session: string): Promise<number | undefined> {
    const ctx = await this.contexts.get(key(owner, repo, session));
    return ctx?.apiRequests;
  }

  async start(at: IssueRef, config: Config, command: StartCommand): Promise<string> {
    return this.queue.run(`${at.owner}/${at.repo}#${at.issue}`, async () => {
      const api = await this.repoApi(at);
      const sessions = sessionsOfIssue(await api.matchingRefs(issueRefPrefix(at.issue)), at.issue);
      const latest = sessions.findLast((s) => s.hasLedger);
      if (latest) {
        const ctx = await this.context(at, latest.name);
        const state = await ctx.peek();
        if (state.stopped === undefined && !state.meta.closed)
          return reply.alreadyRunningReply(latest.name, statusUrl(ctx, state));
      }
      const name = sessionName(at.issue, (sessions.at(-1)?.k ?? 0) + 1);
      const ctx = await this.context(at, name);
      const effective = effectiveConfig(config, command);
      return this.queue.run(key(at.owner, at.repo, name), () =>
        startSession(ctx, at, effective).catch((error: unknown) => {
          ctx.discard();
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`could not start session ${name}: ${message}`, { cause: error });
        }),
      );
    });
  }

  async stop(at: CommandRef): Promise<string> {
    const found = await this.latest(at);
    if (!found) return reply.NO_SESSION;
    const { ctx, state } = found;
    const answer = reply.stoppingReply(state, ctx.session, statusUrl(ctx, state));
    if (state.stopped !== undefined) return answer;
    const by = at.sender === undefined ? "" : ` from @${at.sender}`;
    this.enqueue(ctx, "stop", async () => {
      if (ctx.state.stopped === undefined)
        ctx.record({ type: "stopped", at: ctx.now(), reason: `stopped by /autoopt stop${by}` });
      await advanceSession(ctx);
    });
    return answer;
  }

  /**
   * Replies with a summary at once, and brings the status comment up to date in the session's
   * queue: one read of the ledger's head, and an edit only when the comment's body changed.
   */
  async status(at: IssueRef): Promise<string> {
    const found = await this.latest(at);
    if (!found) return reply.NO_SESSION;
    const { ctx, state } = found;
    this.enqueue(ctx, "status", () => updateStatus(ctx, { force: true }));
    const max = ctx.configOf(state).session.max_experiments;
    return reply.statusReply(state, ctx.session, max, statusUrl(ctx, state));
  }

  async promote(at: IssueRef): Promise<string> {
    const found = await this.latest(at);
    if (!found) return reply.NO_SESSION;
    const { ctx, state } = found;
    const kept = state.experiments.some((e) => e?.outcome === "keep");
    if (kept)
      this.enqueue(ctx, "promote", async () => {
        await dispatchHeldout(ctx);
        await refreshPromotion(ctx, { reopen: true });
        ctx.reports.promotionStale = false;
      });
    const pr = state.meta.promotionPr;
    const link = pr === undefined ? undefined : pullUrl(ctx, pr);
    const heldout = ctx.configOf(state).promotion.heldout !== undefined;
    return reply.promoteReply(ctx.session, kept, link, statusUrl(ctx, state), heldout);
  }

  async runCompleted(event: RunCompleted): Promise<void> {
    const named = parseRunName(event.runName);
    const heldout = named ? undefined : parseHeldoutRunName(event.runName);
    const session = named?.session ?? heldout?.session;
    if (session === undefined) {
      this.o.log.info(
        `ignoring run ${event.runId} "${event.runName}": not an autoopt experiment run`,
      );
      return;
    }
    const ctx = await this.context(event, session);
    const { runId, conclusion, htmlUrl, workflowPath } = event;
    const run = { runId, conclusion, htmlUrl, workflowPath };
    // An experiment's run needs no read of the ledger branch when this process wrote it last.
    const cached = heldout === undefined;
    this.enqueue(
      ctx,
      `run ${event.runId}`,
      async () => {
        if (heldout) return completeHeldout(ctx, heldout.label, run);
        if (named) await completeRun(ctx, named.experiment, run);
        await advanceSession(ctx);
      },
      { cached },
    );
  }

  async promotionClosed(event: PromotionClosed): Promise<void> {
    const session = sessionOfRatchet(event.headRef);
    if (session === undefined) return;
    const ctx = await this.context(event, session);
    this.enqueue(ctx, `pull request #${event.number}`, async () => {
      if (ctx.state.meta.closed) return;
      if (event.merged) {
        ctx.record({
          type: "stopped",
          at: ctx.now(),
          reason: `promoted: PR #${event.number} merged`,
        });
        // Nothing proposes in a closed session: its cached archive goes once that is written.
        ctx.record({ type: "meta", at: ctx.now(), closed: true }, () => ctx.dropArchive());
        return;
      }
      const note = `promotion PR #${event.number} was closed without merging; the session is unchanged, and \`/autoopt promote\` reopens it`;
      if (ctx.state.notes.at(-1) !== note)
        ctx.record({ type: "note", at: ctx.now(), message: note });
    });
  }

  async reconcile(owner: string, repo: string, installationId: number): Promise<void> {
    const where = { owner, repo, installationId };
    const api = await this.repoApi(where);
    const sessions = ledgerSessions(await api.matchingRefs("heads/autoopt/"));
    const jobs = sessions.map(async (session) => {
      const ctx = await this.context(where, session);
      await this.queue.run(key(owner, repo, session), () =>
        runJob(ctx, "reconcile", async () => {
          if (ctx.state.meta.closed || ctx.state.meta.config === undefined) return;
          await resumeSession(ctx);
        }),
      );
    });
    await Promise.all(jobs);
  }

  private enqueue(
    ctx: SessionContext,
    what: string,
    work: () => Promise<void>,
    options: { cached?: boolean } = {},
  ): void {
    const k = key(ctx.owner, ctx.repo, ctx.session);
    this.queue.enqueue(k, async () => {
      await runJob(ctx, what, work, options);
      if (!ctx.exists) this.contexts.delete(k);
    });
  }

  /** The issue's most recent session that has a ledger, and its state now. */
  private async latest(
    at: IssueRef,
  ): Promise<{ ctx: SessionContext; state: SessionState } | undefined> {
    const api = await this.repoApi(at);
    const sessions = sessionsOfIssue(await api.matchingRefs(issueRefPrefix(at.issue)), at.issue);
    const latest = sessions.findLast((s) => s.hasLedger);
    if (!latest) return undefined;
    const ctx = await this.context(at, latest.name);
    return { ctx, state: await ctx.peek() };
  }

  private async repoApi(at: Where): Promise<SessionApi> {
    const octokit = await this.o.octokitFor(at.installationId);
    return new SessionApi({ octokit, owner: at.owner, repo: at.repo });
  }

  private context(at: Where, session: string): Promise<SessionContext> {
    const k = key(at.owner, at.repo, session);
    let ctx = this.contexts.get(k);
    if (!ctx) {
      ctx = this.createContext(at, session);
      this.contexts.set(k, ctx);
      ctx.catch(() => this.contexts.delete(k));
    }
    return ctx;
  }

  private async createContext(at: Where, session: string): Promise<SessionContext> {
    const octokit = await this.o.octokitFor(at.installationId);
    const { proposerFor, clock, log, server } = this.o;
    return new SessionContext({
      parts: APP_PARTS,
      octokit,
      owner: at.owner,
      repo: at.repo,
      session,
      proposerFor,
      clock,
      log,
      ...(this.archive ? { archive: this.archive } : {}),
      ...(server ? { server } : {}),
      ...(at.repositoryId === undefined ? {} : { repositoryId: at.repositoryId }),
    });
  }
}

interface Where {
  owner: string;
  repo: string;
  installationId: number;
  repositoryId?: string;
}

function key(owner: string, repo: string, session: string): string {
  return `${owner}/${repo}/${session}`;
}
