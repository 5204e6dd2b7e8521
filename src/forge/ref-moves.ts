import type { FrontierMember } from "./forge.ts";

/**
 * One ref a step moves, as data: collected while the step is planned and made with its ledger
 * write — on GitHub in the same atomic request, locally right after the ledger file.
 */
export type RefMove =
  /** The ratchet fast-forwarded from where the ledger had it: refused when it is elsewhere. */
  | { type: "ratchet"; from: string; to: string }
  /** `autoopt/<session>/exp-<n>` set, wherever it pointed (an experiment's branch is its own). */
  | { type: "experiment"; experiment: number; sha: string }
  /** `autoopt/<session>/exp-<n>` deleted. */
  | { type: "drop"; experiment: number }
  /** The frontier's branches, from the membership before the step to the one after it. */
  | { type: "frontier"; before: FrontierMember[]; after: FrontierMember[] };

/** The ratchet is somewhere this session never put it: what to do about it. */
export function ratchetMovedOutside(
  session: string,
  head: string | undefined,
  recorded: string,
  cause?: unknown,
): Error {
  const where = head === undefined ? "deleted" : `at ${head}`;
  return new Error(
    `the branch autoopt/${session}/ratchet was moved outside autoopt: it is ${where}, the session's ledger says ${recorded}; move it back to ${recorded} so the session can go on, or stop the session`,
    cause === undefined ? undefined : { cause },
  );
}
