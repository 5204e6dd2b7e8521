import { experiment, mean, type SessionState } from "../../core/index.ts";
import { GitHubApiError } from "../../forge/github/index.ts";
import { escapeMarkdown } from "../../report/escape-markdown.ts";
import { formatValue } from "../../report/format-number.ts";
import { renderPromotionBody } from "../../report/promotion-body.ts";
import { renderStatusComment } from "../../report/status-comment.ts";
import { repoWebUrl } from "../github-server.ts";
import { promotionHeldout } from "./promotion-heldout.ts";
import type { PullData } from "./session-client.ts";
import type { SessionContext } from "./session-context.ts";

/** The link to a session's status comment, when it has one. */
export function statusUrl(
  ctx: SessionContext,
  state: SessionState = ctx.state,
): string | undefined {
  const { issue, statusCommentId } = state.meta;
  if (issue === undefined || statusCommentId === undefined) return undefined;
  return `${repoWebUrl(ctx.server, ctx.owner, ctx.repo)}/issues/${issue}#issuecomment-${statusCommentId}`;
}

/** The link to a pull request of the session's repository, on the App's server. */
export function pullUrl(ctx: SessionContext, pr: number): string {
  return `${repoWebUrl(ctx.server, ctx.owner, ctx.repo)}/pull/${pr}`;
}

/** The status comment's body for a state, with its hidden marker first. */
export function statusBody(ctx: SessionContext, state: SessionState = ctx.state): string {
  const { settings } = ctx;
  const pr = state.meta.promotionPr;
  return renderStatusComment({
    session: ctx.session,
    state,
    settings: {
      max_experiments: settings.max_experiments,
      parallel: settings.parallel,
      min_delta: settings.min_delta,
      noise_sigmas: settings.noise_sigmas,
    },
    runUrl: (n) => experiment(state, n)?.dispatch?.runUrl,
    now: ctx.clock(),
    ...(pr === undefined ? {} : { promotionPr: pullUrl(ctx, pr) }),
  });
}

/**
 * Edits the session's one status comment in place (posts a new one if it was deleted), when it
 * is due (`ReportMemory.statusDue`): after a keep or the stop at once, otherwise at most once a
 * minute; `force` (the `/autoopt status` command, a start) edits whenever the body changed.
 */
export async function updateStatus(
  ctx: SessionContext,
  options: { force?: boolean } = {},
): Promise<void> {
  const body = statusBody(ctx);
  const now = ctx.clock();
  if (!ctx.reports.statusDue(body, ctx.state, now, options.force === true)) return;
  const id = ctx.state.meta.statusCommentId;
  try {
    if (id === undefined) await createStatus(ctx, body);
    else await ctx.api.updateComment(id, body);
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    await createStatus(ctx, body);
  }
  ctx.reports.statusWritten(body, ctx.state, now);
}

async function createStatus(ctx: SessionContext, body: string): Promise<void> {
  const issue = ctx.state.meta.issue;
  if (issue === undefined) return;
  const comment = await ctx.api.createComment(issue, body);
  ctx.defer({ type: "meta", at: ctx.now(), status_comment_id: comment.id });
}

/**
 * Brings what the session shows up to date at the end of a job: the promotion pull request when
 * a change was kept or its evidence changed, then the status comment. A promotion that fails is
 * told on the issue (once per distinct error) and tried again after the next change, and the
 * status comment is brought up to date all the same: it must not freeze at a state long gone.
 */
export async function refreshReports(ctx: SessionContext): Promise<void> {
  let failed: { error: unknown } | undefined;
  const { reports } = ctx;
  if (reports.keptNow || reports.promotionStale) {
    reports.keptNow = false;
    reports.promotionStale = false;
    try {
      await refreshPromotion(ctx, { reopen: false });
    } catch (error) {
      reports.promotionStale = true;
      failed = { error };
    }
  }
  await updateStatus(ctx);
  if (failed) await reportFailure(ctx, failed.error);
}

/**
 * Opens the promotion pull request (ratchet → default branch) or refreshes its title and body.
 * Undefined while nothing was kept: a pull request without commits is one GitHub refuses.
 */
export async function refreshPromotion(
  ctx: SessionContext,
  options: { reopen: boolean },
): Promise<PullData | undefined> {
  const { state } = ctx;
  if (!state.experiments.some((e) => e?.outcome === "keep")) return undefined;
  const base = state.meta.defaultBranch ?? "main";
  const runUrl = (n: number) => experiment(state, n)?.dispatch?.runUrl;
  const heldout = promotionHeldout(state, ctx.config);
  const body = renderPromotionBody({
    session: ctx.session,
    state,
    baseBranch: base,
    runUrl,
    ...(heldout === undefined ? {} : { heldout }),
  });
  const title = promotionTitle(ctx.session, state);
  const known = state.meta.promotionPr;
  if (known !== undefined) {
    const reopen = options.reopen ? { state: "open" as const } : {};
    return ctx.api.updatePull(known, { body, title, ...reopen });
  }
  const pr = await openPull(ctx, { title, body, base });
  ctx.defer({ type: "meta", at: ctx.now(), promotion_pr: pr.number });
  return pr;
}

/**
 * Creates the pull request, or finds the one already open: the App may have opened it and
 * stopped before its number reached the ledger. Creating first costs one request when (as
 * nearly always) there is none yet; GitHub's 422 for an open one says so in `errors[].message`.
 */
async function openPull(
  ctx: SessionContext,
  pull: { title: string; body: string; base: string },
): Promise<PullData> {
  const head = `autoopt/${ctx.session}/ratchet`;
  try {
    return await ctx.api.createPull({ ...pull, head });
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.is(422, /pull request already exists/i)))
      throw error;
    const open = await ctx.api.openPull(head, pull.base);
    if (!open) throw error;
    ctx.log.info(`${ctx.session}: found promotion PR #${open.number}, opened before a restart`);
    return ctx.api.updatePull(open.number, { body: pull.body, title: pull.title });
  }
}

function promotionTitle(session: string, state: SessionState): string {
  const baseline = state.baselineValues.length > 0 ? mean(state.baselineValues) : undefined;
  const change = `${formatValue(baseline)} → ${formatValue(state.best)}`;
  return `autoopt ${session}: ${state.metric.name} ${change}`;
}

/** A new comment on the session's issue (for what a person must act on). */
export async function postComment(ctx: SessionContext, body: string): Promise<void> {
  const issue = ctx.state.meta.issue;
  if (issue === undefined) {
    ctx.log.warn(`${ctx.session}: no issue to comment on: ${body}`);
    return;
  }
  await ctx.api.createComment(issue, body);
}

/** Tells the issue that the session is stuck on an error, once per distinct error. */
export async function reportFailure(ctx: SessionContext, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  ctx.log.error(`${ctx.owner}/${ctx.repo} ${ctx.session}: ${message}`);
  if (message === ctx.reports.lastFailure) return;
  ctx.reports.lastFailure = message;
  await postComment(
    ctx,
    `⚠️ autoopt session \`${ctx.session}\` hit a problem and waits: ${escapeMarkdown(message, 1500)}\n\nIt tries again on the next run event and when the App restarts; \`/autoopt stop\` ends the session.`,
  );
}
