import type { LedgerEvent } from "../../core/index.ts";
import { GitHubApi, type GitHubRequest } from "./github-api.ts";
import { GitHubApiError } from "./github-api-error.ts";
import type { GitHubClient, NewTreeEntry } from "./github-client.ts";
import { ledgerText, parseLedger } from "./ledger-lines.ts";
import { sessionRefs } from "./session-refs.ts";
import { TreeReader } from "./tree-reader.ts";

export interface LedgerBranchOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  session: string;
  onRequest?: (request: GitHubRequest) => void;
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
 * read, published with a fast-forward-only ref update, so concurrent writers (App replicas,
 * redelivered webhooks) serialize through GitHub: a write on a head that moved is refused, and
 * its writer reloads and decides again.
 */
export class LedgerBranch {
  readonly ref: string;
  private readonly api: GitHubApi;
  private readonly trees: TreeReader;
  /** The head last read or written, its events, and its tree when this process wrote it. */
  private last: { head: string; events: LedgerEvent[]; tree?: string } | undefined;

  constructor(options: LedgerBranchOptions) {
    this.ref = sessionRefs(options.session).ledger;
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
   * Appends the events on top of the head last read or written, and nothing else: false when
   * another writer moved the branch since (nothing written; the caller reloads and decides
   * again). The driver's store: a decision made on a stale state is never written.
   */
  async appendIfUnchanged(
    events: readonly LedgerEvent[],
    render: (all: LedgerEvent[]) => LedgerRender,
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
    try {
      if (head === undefined) await this.api.createRef(this.ref, commit);
      else await this.api.updateRef(this.ref, commit, false);
    } catch (error) {
      const raced = head === undefined ? /already exists/i : /fast.?forward/i;
      if (error instanceof GitHubApiError && error.is(422, raced)) return false;
      throw error;
    }
    this.last = { head: commit, events: all, tree };
    return true;
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
