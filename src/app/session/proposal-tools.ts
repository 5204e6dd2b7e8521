import type { SessionState } from "../../core/index.ts";
import type { SessionArchive } from "../archive/session-archive.ts";
import type { OpenTools } from "./app-proposing.ts";
import { fetchArtifact } from "./run-summary.ts";
import type { SessionContext } from "./session-context.ts";
import { experimentId } from "./session-names.ts";

/** Finished runs whose artifacts are fetched again when the cache lacks them (after a restart). */
const RESTORED_RUNS = 10;

/**
 * The archive tools over a session's cache, brought up to date with `state`: what a restart lost
 * is put back where it cheaply can be (proposal.json from the ledger, the artifacts of the last
 * few runs), then ledger.jsonl and results.tsv are written and the index is synced. Without a
 * usable cache the proposal goes on without tools, as it would with none configured.
 */
export async function openProposalTools(
  ctx: SessionContext,
  archive: SessionArchive,
  state: SessionState,
  files: ReadonlyMap<string, string>,
): Promise<OpenTools | undefined> {
  try {
    const restored = await restoreArchive(ctx, archive, state);
    await archive.writeLedger(ctx.ledgerEvents(), state);
    // The index takes an experiment's files in once, when it is final: files that came back
    // after that would stay out of it, so it is rebuilt from the folder.
    if (restored > 0) await archive.dropIndex();
    const tools = archive.tools(ctx.forge);
    try {
      return { box: await tools.for(state, files), close: () => tools.close() };
    } catch (error) {
      tools.close();
      throw error;
    }
  } catch (error) {
    ctx.log.warn(`${ctx.session}: proposing without the archive tools: ${messageOf(error)}`);
    return undefined;
  }
}

/** Puts back what the cache lost; returns how many files or artifacts came back. */
async function restoreArchive(
  ctx: SessionContext,
  archive: SessionArchive,
  state: SessionState,
): Promise<number> {
  let restored = 0;
  for (const x of state.experiments) if (x && (await archive.restoreProposal(x))) restored++;
  const ran = state.experiments.filter((x) => x?.run !== undefined).slice(-RESTORED_RUNS);
  for (const x of ran) {
    const runId = x?.dispatch?.runId;
    if (x === undefined || runId === undefined || !(await archive.lacksArtifact(x.id))) continue;
    archive.markHandled(x.id);
    try {
      const target = { experiment: experimentId(x.id), sha: x.sha };
      const fetched = await fetchArtifact(ctx, target, runId);
      if (fetched.type !== "ok") continue;
      await archive.saveArtifact(x.id, fetched.zip);
      restored++;
    } catch (error) {
      ctx.log.warn(
        `${ctx.session}: could not fetch exp-${x.id}'s artifact again: ${messageOf(error)}`,
      );
    }
  }
  return restored;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
