import type { HeldoutLabel } from "../../core/index.ts";
import { sessionRefs } from "../../forge/github/index.ts";

/** `issue-12` for the first session of issue #12, then `issue-12-2`, `issue-12-3`, … */
export function sessionName(issue: number, k: number): string {
  return k <= 1 ? `issue-${issue}` : `issue-${issue}-${k}`;
}

/** The ref prefix every branch of every session of an issue starts with (without `refs/`). */
export function issueRefPrefix(issue: number): string {
  return `heads/autoopt/issue-${issue}`;
}

export interface IssueSession {
  name: string;
  /** 1 for `issue-12`, 2 for `issue-12-2`, … */
  k: number;
  /** The session recorded anything: its ledger branch exists. */
  hasLedger: boolean;
}

/**
 * The sessions of one issue among refs like `refs/heads/autoopt/issue-12-2/ledger`, oldest
 * first. The prefix also matches issue 120's refs; those are left out.
 */
export function sessionsOfIssue(refs: readonly string[], issue: number): IssueSession[] {
  const pattern = new RegExp(`^refs/heads/autoopt/(issue-${issue}(?:-(\\d+))?)/([^/]+)$`);
  const found = new Map<string, IssueSession>();
  for (const ref of refs) {
    const match = pattern.exec(ref);
    if (!match?.[1]) continue;
    const name = match[1];
    const k = match[2] === undefined ? 1 : Number(match[2]);
    const seen = found.get(name) ?? { name, k, hasLedger: false };
    if (match[3] === "ledger") seen.hasLedger = true;
    found.set(name, seen);
  }
  return [...found.values()].sort((a, b) => a.k - b.k);
}

/** Session names that have a ledger branch, from refs like `refs/heads/autoopt/<s>/ledger`. */
export function ledgerSessions(refs: readonly string[]): string[] {
  return refs.flatMap((ref) => {
    const name = /^refs\/heads\/autoopt\/([^/]+)\/ledger$/.exec(ref)?.[1];
    return name !== undefined && isSessionName(name) ? [name] : [];
  });
}

/** `exp-7`: how the workflow's inputs, run-name and artifact name spell an experiment. */
export function experimentId(n: number): string {
  return `exp-${n}`;
}

/** `heldout-best`: the experiment id of a held-out run; it can never be read as `exp-<n>`. */
export function heldoutId(label: HeldoutLabel): string {
  return `heldout-${label}`;
}

/** An experiment number, or an id as the workflow's `experiment` input spells it. */
type RunOf = number | string;

function idOf(of: RunOf): string {
  return typeof of === "number" ? experimentId(of) : of;
}

/** The experiment workflow's `run-name` (see src/cli/github-templates.ts). */
export function runName(session: string, of: RunOf): string {
  return `autoopt ${session} ${idOf(of)}`;
}

/** The session and experiment of a run, from its run-name; undefined for any other run. */
export function parseRunName(name: string): { session: string; experiment: number } | undefined {
  const match = /^autoopt (\S+) exp-([1-9]\d{0,8})$/.exec(name.trim());
  if (!match?.[1] || !match[2] || !isSessionName(match[1])) return undefined;
  return { session: match[1], experiment: Number(match[2]) };
}

/** The session and label of a held-out run, from its run-name; undefined for any other run. */
export function parseHeldoutRunName(
  name: string,
): { session: string; label: HeldoutLabel } | undefined {
  const match = /^autoopt (\S+) heldout-(baseline|best)$/.exec(name.trim());
  const label = match?.[2];
  if (!match?.[1] || (label !== "baseline" && label !== "best") || !isSessionName(match[1]))
    return undefined;
  return { session: match[1], label };
}

/** The artifact the action uploads; the same rule as `artifactName` in src/action/record-result.ts. */
export function artifactName(session: string, of: RunOf): string {
  return `autoopt-${session}-${idOf(of)}`;
}

/** The session a promotion pull request's head branch belongs to. */
export function sessionOfRatchet(headRef: string): string | undefined {
  const name = /^(?:refs\/heads\/)?autoopt\/([^/]+)\/ratchet$/.exec(headRef)?.[1];
  return name !== undefined && isSessionName(name) ? name : undefined;
}

function isSessionName(name: string): boolean {
  try {
    sessionRefs(name);
    return true;
  } catch {
    return false;
  }
}
