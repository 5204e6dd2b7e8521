import { type Experiment, experiment, ratchetPositions, type SessionState } from "../core/index.ts";
import type { ProposalScope } from "./proposal-scope.ts";

/** What git says about a commit and a branch: the facts a ledger's records are checked against. */
export interface CommitFacts {
  /** The parents of the commit `sha` (a full commit id); undefined when there is no such commit. */
  commitParents(sha: string): Promise<string[] | undefined>;
  /** Paths that differ between two commits. */
  changedPaths(from: string, to: string): Promise<string[]>;
  /** Where `autoopt/<session>/exp-<n>` points; undefined when the branch is gone. */
  experimentHead(n: number): Promise<string | undefined>;
}

/**
 * Checks a ledger's records against the git objects before any branch is moved by them. A run
 * that can reach the session folder and the repository (no sandbox) can append rows naming a
 * commit of its own (a replaced evaluator, a new workflow) and move branches; every commit the
 * ledger names must instead be one autoopt could have made: built on the session's base or on
 * an earlier recorded commit, one parent, changing editable files only. A record that fails is
 * tampering: the session refuses rather than act on it.
 */
export class RecordCheck {
  private readonly commits: CommitFacts;
  private readonly scope: ProposalScope;
  private readonly ledger: string;

  constructor(commits: CommitFacts, scope: ProposalScope, ledger: string) {
    this.commits = commits;
    this.scope = scope;
    this.ledger = ledger;
  }

  /** Every experiment of a loaded ledger, and the ratchet branch (a resume, before reconciling). */
  async session(state: SessionState, ratchetHead: string): Promise<void> {
    const known = new Set([state.baseSha]);
    for (const x of state.experiments) {
      if (!x) continue;
      await this.commit(state, x, known);
      known.add(x.sha);
      await this.branch(x);
    }
    const positions = ratchetPositions(state);
    if (!positions.has(ratchetHead)) {
      throw this.tampered(
        `the ratchet branch points at ${ratchetHead.slice(0, 7)}, a commit this session never kept`,
        `if you moved it yourself, put it back with \`git update-ref refs/heads/autoopt/${state.session}/ratchet ${state.ratchetSha}\` and resume; otherwise start a new session with \`autoopt run\``,
      );
    }
  }

  /** One experiment of this process, before its verdict moves a branch. */
  async experiment(state: SessionState, n: number): Promise<void> {
    const x = experiment(state, n);
    if (!x) return;
    const earlier = state.experiments.slice(0, n - 1).flatMap((e) => (e ? [e.sha] : []));
    await Promise.all([
      this.commit(state, x, new Set([state.baseSha, ...earlier])),
      this.branch(x),
    ]);
  }

  private async commit(state: SessionState, x: Experiment, known: ReadonlySet<string>) {
    const where = `exp-${x.id} (${x.kind}, ${x.sha.slice(0, 7)})`;
    if (x.kind === "confirm") {
      const target = x.of === undefined ? undefined : experiment(state, x.of);
      if (target === undefined || target.sha !== x.sha || target.parent !== x.parent)
        throw this.tampered(`${where} is recorded as a confirmation of a different commit`);
      return;
    }
    if (!known.has(x.parent))
      throw this.tampered(
        `${where} is built on ${x.parent.slice(0, 7)}, a commit the session never recorded`,
      );
    if (x.kind === "baseline") {
      if (x.sha !== x.parent)
        throw this.tampered(`${where} is a baseline of another commit than its parent`);
      return;
    }
    // The diff is asked for at once; it only counts once the parent is known to be right.
    const [parents, changed] = await Promise.all([
      this.commits.commitParents(x.sha),
      this.commits.changedPaths(x.parent, x.sha).catch(() => undefined),
    ]);
    if (parents === undefined) throw this.tampered(`${where} names no commit of this repository`);
    if (parents.length !== 1 || parents[0] !== x.parent)
      throw this.tampered(`${where} does not have ${x.parent.slice(0, 7)} as its one parent`);
    if (changed === undefined)
      throw this.tampered(`${where} cannot be compared with its parent ${x.parent.slice(0, 7)}`);
    const outside = changed.filter((path) => !this.scope.isEditable(path));
    if (outside.length > 0) {
      throw this.tampered(
        `${where} changes ${outside.slice(0, 5).join(", ")}${outside.length > 5 ? ", …" : ""}, which no proposal may change (not editable, or locked)`,
      );
    }
  }

  /** A candidate's branch still where autoopt put it (a dropped branch is fine). */
  private async branch(x: Experiment): Promise<void> {
    if (x.kind !== "candidate" && x.kind !== "rebase") return;
    const head = await this.commits.experimentHead(x.id);
    if (head !== undefined && head !== x.sha) {
      throw this.tampered(
        `branch exp-${x.id} points at ${head.slice(0, 7)}, not at ${x.sha.slice(0, 7)}, the commit autoopt made for it`,
      );
    }
  }

  private tampered(what: string, fix = "start a new session with `autoopt run`"): Error {
    return new Error(
      `the records of this session disagree with git: ${what}. Something other than autoopt changed the ledger (${this.ledger}) or the session's branches — a run may have forged them — so autoopt will not act on them; ${fix}`,
    );
  }
}
