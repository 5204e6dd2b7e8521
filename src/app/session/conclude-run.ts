import {
  applyEvent,
  type Decision,
  decide,
  type Experiment,
  experiment,
  type LedgerEvent,
  type RunSummary,
  type SessionState,
  sessionFrontier,
} from "../../core/index.ts";
import type { SessionContext } from "./session-context.ts";

/** Decisions tried before giving up when the ratchet keeps moving under a keep. */
const ATTEMPTS = 3;

/**
 * Judges experiment `n`'s run with the core and records the verdict. A keep moves the ratchet
 * first: the fast-forward with `force: false` is the compare-and-swap that proves the decision
 * was made on the current head. When it fails because another writer kept a change meanwhile,
 * the state is reloaded and the core decides again (it then re-bases the candidate). Discarded
 * and crashed candidates lose their branch once the verdict is written; the record stays.
 */
export async function concludeRun(ctx: SessionContext, n: number, run: RunSummary): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const x = experiment(ctx.state, n);
    if (x?.phase !== "running") return;
    const decision = decide(ctx.state, n, run, ctx.settings);
    const target = experiment(ctx.state, decision.target) ?? x;
    if (decision.outcome === "keep" && !(await moveRatchet(ctx, target.sha))) continue;
    const finished = { type: "finished" as const, at: ctx.now(), experiment: n, run, decision };
    const drop = dropAfter(ctx, decision, target);
    const mark = frontierAfter(ctx, finished);
    ctx.record(
      finished,
      drop || mark
        ? async () => {
            await drop?.();
            await mark?.();
          }
        : undefined,
    );
    if (decision.outcome === "keep") ctx.keptNow = true;
    return;
  }
  throw new Error(
    `the ratchet of session ${ctx.session} moved ${ATTEMPTS} times while exp-${n} was being kept; its result is recorded on the next event`,
  );
}

/** True once the ratchet is at `sha`; false when the ledger moved on and the decision is stale. */
async function moveRatchet(ctx: SessionContext, sha: string): Promise<boolean> {
  const from = ctx.state.ratchetSha;
  if (await ctx.forge.advanceRatchet(from, sha)) return true;
  const head = await ctx.forge.ratchetHead();
  // An earlier attempt moved it and stopped before recording the keep.
  if (head === sha) return true;
  await ctx.sync();
  if (ctx.state.ratchetSha !== from) return false;
  throw new Error(
    `the branch autoopt/${ctx.session}/ratchet was moved outside autoopt: it is at ${head}, the session's ledger says ${from}; move it back to ${from} so the session can go on, or stop the session with \`/autoopt stop\``,
  );
}

/** Moves the frontier's branches when this verdict changes who is on the frontier. */
function frontierAfter(
  ctx: SessionContext,
  finished: Extract<LedgerEvent, { type: "finished" }>,
): (() => Promise<void>) | undefined {
  if (ctx.state.objectives.length < 2) return undefined;
  const members = (state: SessionState) =>
    sessionFrontier(state).map((p) => ({ experiment: p.id, sha: p.sha }));
  const before = members(ctx.state);
  const after = members(applyEvent(ctx.state, finished));
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  return () => ctx.forge.markFrontier(after);
}

function dropAfter(
  ctx: SessionContext,
  decision: Decision,
  target: Experiment,
): (() => Promise<void>) | undefined {
  const dropped = decision.outcome === "discard" || decision.outcome === "crash";
  if (!dropped || target.kind === "baseline") return undefined;
  return () => ctx.forge.dropExperiment(target.id);
}
