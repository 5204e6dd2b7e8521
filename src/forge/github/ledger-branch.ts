import type { LedgerEvent } from "../../core/index.ts";
import { type RefMove, ratchetMovedOutside } from "../ref-moves.ts";
import { GitHubApi, type GitHubRequest } from "./github-api.ts";
import type { GitHubClient, NewTreeEntry, RefUpdate } from "./github-client.ts";
import { ledgerText, parseLedger } from "./ledger-lines.ts";
import { NO_OBJECT, refUpdates } from "./ref-updates.ts";
import { type SessionRefs, sessionRefs } from "./session-refs.ts";
import { TreeReader } from "./tree-reader.ts";

export interface LedgerBranchOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  session: string;
  onRequest?: (request: GitHubRequest) => void;
  /** The repository's GraphQL node id, when known: spares reading it. */
  repositoryId?: string;
}

/** What the session's files say besides the ledger, rendered from every event. */
export interface LedgerRender {
  resultsTsv: string;
  session: unknown;
}

export const LEDGER_FILES = {
  ledger: "ledger.jsonl",
  results: "results.tsv",
  session: "session.json",
} as const;

/**
 * A session's durable state in git, on the orphan branch `autoopt/<session>/ledger`: the JSONL
 * ledger, results.tsv and session.json. Each append is one commit whose parent is the head it
 * read, published with GraphQL's atomic `updateRefs` checked against that head, together with the
 * step's other ref moves (the ratchet checked against where the ledger has it), so concurrent
 * writers (App replicas, redelivered webhooks) serialize through GitHub: a write on a head that
 * moved is refused, nothing moves, and its writer reloads and decides again.
 */
export class LedgerBranch {
  readonly ref: string;
  private readonly session: string;
  private readonly refs: SessionRefs;
  private readonly api: GitHubApi;
  private readonly trees: TreeReader;
  /** The head last read or written, its events, and its tree when this process wrote it. */
  private last: { head: string; events: LedgerEvent[]; tree?: string } | undefined;

  constructor(options: LedgerBranchOptions) {
    this.session = options.session;
    this.refs = sessionRefs(options.session);
    this.ref = this.refs.ledger;
    this.api = new GitHubApi(options);
    this.trees = new TreeReader(this.api);
  }

  /** REST calls made so far, failed ones included. */
  get requests(): number {
    return this.api.requests;
  }

  /** Every event on the branch, and the commit they were read from (none before the first append). */
  async load(): Promise<{ events: LedgerEvent[]; head?: string }> {
    const head = await this.api.getRef(this.ref);
    if (head === undefined) return { events: [] };
    return { events: [...(await this.eventsAt(head))], head };
  }

  /**
   * Appends the events on top of the head last read or written and makes `moves` in the same
   * atomic request: false when another writer moved the branch since (nothing written, nothing
   * moved; the caller reloads and decides again). Throws when the ratchet is not where a move
   * says it was (moved by hand). The driver's store: a decision made on a stale state is never
   * written, and a keep only while the ratchet is where the ledger has it.
   */
  async appendIfUnchanged(
    events: readonly LedgerEvent[],
    render: (all: LedgerEvent[]) => LedgerRender,
    moves: readonly RefMove[] = [],
  ): Promise<boolean> {
    // The head this process last read or wrote: the caller decided on its events.
    const head = this.last?.head;
    const existing = this.last?.events ?? [];
    const all = [...existing, ...events];
    const tree = await this.writeTree(all, render(all), head);
    const commit = await this.api.createCommit(
      message(events),
      tree,
      head === undefined ? [] : [head],
    );
    const ledger = { name: `refs/${this.ref}`, beforeOid: head ?? NO_OBJECT, afterOid: commit };
    if (!(await this.publish(ledger, refUpdates(this.refs, moves)))) return false;
    this.last = { head: commit, events: all, tree };
    return true;
  }

  /**
   * One `updateRefs` of the ledger and the moves. What GitHub says when it refuses is not a
   * contract, so after any error the refs are read back: the ledger at the new commit (the answer
   * was lost, the write made), elsewhere than its head (another writer: false), the ratchet not
   * where the move starts (moved by hand: thrown). Moves found made already (a branch deleted
   * before, the ratchet at its target) are left out and the rest tried again; any other refusal
   * is thrown with GitHub's answer as the cause.
   */
  private async publish(
    ledger: Required<Omit<RefUpdate, "force">>,
    moves: RefUpdate[],
  ): Promise<boolean> {
    let pending = moves;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.api.updateRefs([ledger, ...pending]);
        return true;
      } catch (error) {
        const now = (await this.api.getRef(this.ref)) ?? NO_OBJECT;
        if (now === ledger.afterOid) return true;
        if (now !== ledger.beforeOid) return false;
        const left = await this.notMadeYet(pending, error);
        if (left.length === pending.length || attempt >= 3) {
          throw new Error(
            `GitHub refused to write the ledger of session ${this.session} with its ref moves (${pending.map((u) => u.name).join(", ") || "none"}): ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        pending = left;
      }
    }
  }

  /** The updates whose refs are not where they would put them; throws when the ratchet is not where its move starts. */
  private async notMadeYet(updates: readonly RefUpdate[], error: unknown): Promise<RefUpdate[]> {
    const left: RefUpdate[] = [];
    for (const update of updates) {
      // A forced set checks nothing that could refuse it.
      if (update.beforeOid === undefined && update.afterOid !== NO_OBJECT) {
        left.push(update);
        continue;
      }
      const at = await this.api.getRef(update.name.replace(/^refs\//, ""));
      if ((at ?? NO_OBJECT) === update.afterOid) continue;
      if (update.name === `refs/${this.refs.ratchet}` && update.beforeOid !== at)
        throw ratchetMovedOutside(this.session, at, update.beforeOid ?? NO_OBJECT, error);
      left.push(update);
    }
    return left;
  }

  /** This process has read or written the branch: `known` is a prefix of what it holds. */
  get loaded(): boolean {
    return this.last !== undefined;
  }

  /** Events as of the last read or write. */
  get known(): readonly LedgerEvent[] {
    return this.last?.events ?? [];
  }

  private async writeTree(
    all: LedgerEvent[],
    rendered: LedgerRender,
    head: string | undefined,
  ): Promise<string> {
    // Contents go inline: GitHub makes the blobs within this one request.
    const entries: NewTreeEntry[] = [
      { path: LEDGER_FILES.ledger, mode: "100644", type: "blob", content: ledgerText(all) },
      { path: LEDGER_FILES.results, mode: "100644", type: "blob", content: rendered.resultsTsv },
      {
        path: LEDGER_FILES.session,
        mode: "100644",
        type: "blob",
        content: `${JSON.stringify(rendered.session, null, 2)}\n`,
      },
    ];
    // On top of the head's tree, so files a person added to the branch (a README) survive.
    const known = this.last?.head === head ? this.last?.tree : undefined;
    const base = head === undefined ? undefined : (known ?? (await this.trees.treeOf(head)));
    return this.api.createTree(entries, base);
  }

  private async eventsAt(head: string): Promise<LedgerEvent[]> {
    if (this.last?.head === head) return this.last.events;
    const { entries } = await this.trees.snapshot(head);
    const file = entries.get(LEDGER_FILES.ledger);
    const where = `${LEDGER_FILES.ledger} on refs/${this.ref} at ${head}`;
    const events = file === undefined ? [] : parseLedger(await this.api.getBlob(file.sha), where);
    this.last = { head, events };
    return events;
  }
}

function message(events: readonly LedgerEvent[]): string {
  const labels = events.map((e) => ("experiment" in e ? `${e.type} exp-${e.experiment}` : e.type));
  return `autoopt ledger: ${labels.join(", ")}`;
}
