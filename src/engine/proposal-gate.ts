import { describeLeaks, findLeaks, type TaskFacts } from "../core/index.ts";
import { type Proposal, ProposalFailedError } from "../proposer/index.ts";
import type { ProposalScope } from "./proposal-scope.ts";

/**
 * The gate every proposal passes before it becomes a commit, whichever forge the session runs on:
 * it edits only editable, unlocked files; it embeds none of the task set's ids or answers; it is
 * not a candidate already tried. Returns the candidate's editable-set hash.
 */
export function gateProposal(o: {
  proposal: Proposal;
  /** The editable files at the commit it was made on. */
  files: ReadonlyMap<string, string>;
  kind: string;
  scope: ProposalScope;
  facts: TaskFacts | undefined;
  tried: ReadonlySet<string>;
  hashOf: (changed: ReadonlyMap<string, string>) => string;
}): string {
  o.scope.check(o.proposal, o.files, o.kind);
  const leak = leakProblem(o.files, o.proposal.files, o.facts);
  if (leak !== undefined)
    throw new ProposalFailedError(
      `the ${o.kind} proposer's candidate was rejected before it ran: ${leak}`,
    );
  const hash = o.hashOf(o.proposal.files);
  if (o.tried.has(hash))
    throw new ProposalFailedError(`the ${o.kind} proposer repeated a candidate already tried`);
  return hash;
}

/** Why a change may not run because it embeds the task set, or undefined. */
export function leakProblem(
  files: ReadonlyMap<string, string>,
  changed: ReadonlyMap<string, string>,
  facts: TaskFacts | undefined,
): string | undefined {
  if (!facts || facts.ids.length === 0) return undefined;
  const changes = [...changed].map(([path, after]) => {
    const before = files.get(path);
    return before === undefined ? { path, after } : { path, before, after };
  });
  const leaks = findLeaks(changes, facts);
  return leaks.length > 0 ? describeLeaks(leaks) : undefined;
}
