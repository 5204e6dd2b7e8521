/** The branches of one session, as ref names without `refs/` (the form the `{ref}` URL parameter takes). */
export interface SessionRefs {
  ratchet: string;
  ledger: string;
  experiment(n: number): string;
  /** The folder of the frontier's branches, ending in `/`. */
  frontierPrefix: string;
  frontier(n: number): string;
}

export function sessionRefs(session: string): SessionRefs {
  // The same rule the CLI applies, plus git's own bans, so the name is a valid branch component.
  if (
    !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(session) ||
    session.includes("..") ||
    session.endsWith(".lock")
  ) {
    throw new Error(
      `"${session}" is not a usable session name; use letters, digits, ., _ or - (no "..", not ending in ".lock")`,
    );
  }
  const prefix = `heads/autoopt/${session}`;
  return {
    ratchet: `${prefix}/ratchet`,
    ledger: `${prefix}/ledger`,
    experiment: (n) => `${prefix}/exp-${n}`,
    frontierPrefix: `${prefix}/frontier/`,
    frontier: (n) => `${prefix}/frontier/exp-${n}`,
  };
}
