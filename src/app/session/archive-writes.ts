import type { Tokens } from "../../core/index.ts";
import type { Proposal } from "../../proposer/index.ts";
import type { SessionContext } from "./session-context.ts";

/**
 * What the App writes to a session's archive cache, when it keeps one. The cache only feeds the
 * proposer's tools: a failed write is logged and the session goes on as if it had none.
 */

/** A committed candidate: proposal.json, files/ and diff.patch (GitHub's compare of the commit). */
export async function archiveProposal(
  ctx: SessionContext,
  n: number,
  made: { proposal: Proposal; parent: string },
  sha: string,
): Promise<void> {
  const archive = ctx.archive;
  if (!archive) return;
  await attempt(ctx, `exp-${n}'s proposal`, async () => {
    const diff = await ctx.forge.diff(made.parent, sha);
    const meta = { parent: made.parent, sha, proposer: ctx.proposing.kind };
    await archive.saveProposal(n, made.proposal, meta, diff);
  });
}

/** A proposal that produced no candidate, kept under failed-proposals/ as a local session does. */
export async function archiveFailedProposal(
  ctx: SessionContext,
  n: number,
  outcome: { reason: string; tokens?: Tokens; transcript?: unknown },
): Promise<void> {
  const archive = ctx.archive;
  if (!archive) return;
  const { reason, tokens, transcript } = outcome;
  await attempt(ctx, "a failed proposal", () =>
    archive.saveFailedProposal(ctx.now(), n, { reason, tokens, transcript }),
  );
}

/**
 * Where the artifact of experiment `n`'s run goes once its result.json proved to be that run's,
 * or undefined without a cache. Held-out runs never come here: they are no experiment.
 */
export function artifactKeeper(
  ctx: SessionContext,
  n: number,
): ((zip: Uint8Array) => Promise<void>) | undefined {
  const archive = ctx.archive;
  if (!archive) return undefined;
  return (zip) =>
    attempt(ctx, `exp-${n}'s artifact`, async () => {
      const { refused } = await archive.saveArtifact(n, zip);
      if (refused.length > 0)
        ctx.log.warn(
          `${ctx.session}: left out of exp-${n}'s cached artifact: ${refused.slice(0, 10).join("; ")}${refused.length > 10 ? `; and ${refused.length - 10} more` : ""}`,
        );
    });
}

async function attempt(ctx: SessionContext, what: string, write: () => Promise<void>) {
  try {
    await write();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.warn(`${ctx.session}: could not cache ${what} for the proposer: ${message}`);
  }
}
