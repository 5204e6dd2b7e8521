import { type Action, experiment, nextActions, type Proposed } from "../../core/index.ts";
import { archiveFailedProposal, archiveProposal } from "./archive-writes.ts";
import { dispatchExperiment } from "./dispatch-experiment.ts";
import { dispatchHeldout } from "./heldout-runs.ts";
import type { SessionContext } from "./session-context.ts";

/** Rounds of actions one job may take; the core settles far sooner (each round fills the slots). */
const MAX_ROUNDS = 64;

type Proposal = Omit<Proposed, "type" | "at" | "experiment">;

/**
 * Asks the core what to start next and starts it, until every slot is taken or the session is
 * over. Everything running on GitHub counts as active, so a repeated or late event never starts
 * a second run of an experiment.
 */
export async function advanceSession(ctx: SessionContext): Promise<void> {
  if (ctx.state.meta.closed) return;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const actions = nextActions(ctx.state, ctx.settings, ctx.running(), ctx.clock());
    if (actions.length === 0) return;
    for (const action of actions) await perform(ctx, action);
    if (actions.some((a) => a.type === "finish")) return;
  }
  throw new Error(`session ${ctx.session} did not settle after ${MAX_ROUNDS} rounds of actions`);
}

async function perform(ctx: SessionContext, action: Action): Promise<void> {
  switch (action.type) {
    case "baseline": {
      const head = ctx.state.ratchetSha;
      return start(ctx, { kind: "baseline", sha: head, parent: head, description: "baseline" });
    }
    case "confirm":
      return confirm(ctx, action.of);
    case "rebase":
      return rebase(ctx, action.of);
    case "propose":
      return propose(ctx);
    case "rerun":
      return dispatchExperiment(ctx, action.experiment);
    case "finish":
      return finish(ctx, action.reason);
  }
}

/** Records the proposal (written before the run is dispatched), then dispatches it. */
async function start(ctx: SessionContext, proposal: Proposal): Promise<void> {
  const n = ctx.state.experiments.length + 1;
  ctx.record({ type: "proposed", at: ctx.now(), experiment: n, ...proposal });
  await dispatchExperiment(ctx, n);
}

async function propose(ctx: SessionContext): Promise<void> {
  const outcome = await ctx.proposing.make(ctx.state);
  if (outcome.type === "made") {
    const { proposal, parent, hash } = outcome;
    const n = ctx.state.experiments.length + 1;
    const files = proposal.files;
    const message = proposal.description;
    const sha = await ctx.forge.commitCandidate({ experiment: n, parent, files, message });
    ctx.proposing.remember(sha, outcome);
    await archiveProposal(ctx, n, outcome, sha);
    return start(ctx, {
      kind: "candidate",
      sha,
      parent,
      description: proposal.description,
      files_hash: hash,
      ...(proposal.hypothesis === undefined ? {} : { hypothesis: proposal.hypothesis }),
      ...(proposal.changes === undefined ? {} : { changes: proposal.changes }),
      ...(proposal.tokens === undefined ? {} : { tokens: proposal.tokens }),
    });
  }
  const tokens = outcome.tokens ? { tokens: outcome.tokens } : {};
  await archiveFailedProposal(ctx, ctx.state.experiments.length + 1, outcome);
  ctx.record({ type: "proposal_failed", at: ctx.now(), reason: outcome.reason, ...tokens });
  if (outcome.type === "done")
    ctx.record({ type: "stopped", at: ctx.now(), reason: outcome.reason });
}

async function confirm(ctx: SessionContext, of: number): Promise<void> {
  const target = experiment(ctx.state, of);
  if (!target) return;
  const runs = ctx.state.experiments.filter((e) => e?.kind === "confirm" && e.of === of);
  return start(ctx, {
    kind: "confirm",
    of,
    sha: target.sha,
    parent: target.parent,
    description: `confirm exp-${of} (${runs.length + 1}/${ctx.settings.confirm})`,
  });
}

/** The winner's change applied on the moved ratchet, as a new experiment; its old branch goes. */
async function rebase(ctx: SessionContext, of: number): Promise<void> {
  const original = experiment(ctx.state, of);
  if (!original) return;
  const n = ctx.state.experiments.length + 1;
  const onto = ctx.state.ratchetSha;
  const message = `${original.description} (re-based from exp-${of})`;
  const sha = await ctx.forge.rebaseCandidate({
    experiment: n,
    candidate: original.sha,
    parent: original.parent,
    onto,
    message,
  });
  const drop = () => ctx.forge.dropExperiment(of);
  if (typeof sha !== "string") {
    const reason = sha.conflict.split("\n")[0] ?? "conflict";
    ctx.record({ type: "rebase_failed", at: ctx.now(), experiment: of, reason }, drop);
    return;
  }
  const changes = original.changes === undefined ? {} : { changes: original.changes };
  const proposal = { kind: "rebase" as const, of, sha, parent: onto, description: message };
  ctx.record({ type: "proposed", at: ctx.now(), experiment: n, ...proposal, ...changes }, drop);
  await dispatchExperiment(ctx, n);
}

/**
 * The session is over: the reason is recorded once, with the API requests it took. With nothing
 * left running the ratchet is final, so the promotion's held-out runs start (once per commit).
 */
async function finish(ctx: SessionContext, reason: string): Promise<void> {
  if (ctx.state.stopped === undefined) ctx.record({ type: "stopped", at: ctx.now(), reason });
  if (ctx.hasPending) ctx.record({ type: "meta", at: ctx.now(), api_requests: ctx.apiRequests });
  await ctx.flush();
  await dispatchHeldout(ctx);
}
