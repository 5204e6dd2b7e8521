import type { Config } from "../../config/index.ts";
import { judgedMetric, sessionObjectives, settingsFromConfig } from "../../core/index.ts";
import type { IssueRef } from "../session-service.ts";
import { advanceSession } from "./advance-session.ts";
import type { SessionContext } from "./session-context.ts";
import { startedReply, stoppedAtOnceReply } from "./session-replies.ts";
import { statusBody, statusUrl, updateStatus } from "./session-report.ts";

/**
 * Starts a session whose name was just chosen: the ratchet branch at the default branch's head,
 * the session recorded on its ledger branch together with the status comment's id, and the
 * baseline dispatched. Only baselines can start from an empty session, so no proposer runs here.
 */
export async function startSession(
  ctx: SessionContext,
  at: IssueRef,
  config: Config,
): Promise<string> {
  ctx.beginNew();
  const head = await ctx.api.branchHead(at.defaultBranch);
  await ctx.forge.startSession(head);
  const settings = settingsFromConfig(config);
  ctx.record({
    type: "session",
    at: ctx.now(),
    session: ctx.session,
    base_sha: head,
    metric: judgedMetric(settings),
    ...sessionObjectives(settings),
    settings: { ...settings },
  });
  ctx.record({
    type: "meta",
    at: ctx.now(),
    issue: at.issue,
    default_branch: at.defaultBranch,
    config,
  });
  const comment = await ctx.api.createComment(at.issue, statusBody(ctx));
  ctx.record({ type: "meta", at: ctx.now(), status_comment_id: comment.id });
  await advanceSession(ctx);
  await ctx.flush();
  await updateStatus(ctx, { force: true });
  const { stopped } = ctx.state;
  if (stopped !== undefined) return stoppedAtOnceReply(ctx.session, stopped, statusUrl(ctx));
  return startedReply(ctx.session, config, { branch: at.defaultBranch, sha: head }, statusUrl(ctx));
}
