import type { TreeEntry } from "./tree-reads.ts";

/** Only a full object id names the same commit for ever; a ref or a short id may move. */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** What `git commit` made: its one parent and, when known, the paths it changed from it. */
interface Made {
  parent: string;
  changed?: readonly string[];
}

/** A map that forgets its least recently used entries past `limit`. */
class Recent<V> {
  private readonly map = new Map<string, V>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): V {
    this.map.delete(key);
    this.map.set(key, value);
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.limit) break;
      this.map.delete(oldest);
    }
    return value;
  }

  take(key: string): V | undefined {
    const value = this.map.get(key);
    this.map.delete(key);
    return value;
  }
}

/**
 * What this process learned of commits named by their full ids. A commit's id is the hash of its
 * content, so nothing learned of one can change: its parent, the files and entries of its tree,
 * the paths it changed. Kept so that the driver's serial step and the one-at-a-time proposals
 * need no git process to learn again what autoopt made or read a moment before. Where a ref
 * points is never kept: a run may move it.
 */
export class CommitMemo {
  private readonly made = new Recent<Made>(4096);
  /** File contents by commit; a path absent from a commit is not kept, and is asked again. */
  private readonly files = new Recent<Map<string, string>>(8);
  /** Tree entries by commit; `null` for a path the commit's tree does not have. */
  private readonly entries = new Recent<Map<string, TreeEntry | null>>(8);
  private readonly listings = new Recent<readonly string[]>(8);
  /** Diffs asked for ahead of their use, by `from to`, each handed out once. */
  private readonly diffs = new Recent<Promise<string>>(64);

  /** Records a commit made by this process on `parent`. */
  madeCommit(sha: string, parent: string, changed?: readonly string[]): void {
    this.made.set(sha, changed === undefined ? { parent } : { parent, changed: [...changed] });
  }

  /** The parents of a commit this process made; undefined for any other. */
  parentsOf(sha: string): string[] | undefined {
    const made = this.made.get(sha);
    return made === undefined ? undefined : [made.parent];
  }

  /** Whether `to` is a commit this process made on `from`. */
  isChildOf(to: string, from: string): boolean {
    return this.made.get(to)?.parent === from;
  }

  /** The paths a commit this process made on `from` changed; undefined when not known. */
  changedBetween(from: string, to: string): string[] | undefined {
    const made = this.made.get(to);
    return made?.parent === from && made.changed !== undefined ? [...made.changed] : undefined;
  }

  /** The file contents read at `sha`, to be added to; undefined when `sha` may move. */
  filesAt(sha: string): Map<string, string> | undefined {
    if (!FULL_ID.test(sha)) return undefined;
    return this.files.get(sha) ?? this.files.set(sha, new Map());
  }

  /** The tree entries read at `sha`, to be added to; undefined when `sha` may move. */
  entriesAt(sha: string): Map<string, TreeEntry | null> | undefined {
    if (!FULL_ID.test(sha)) return undefined;
    return this.entries.get(sha) ?? this.entries.set(sha, new Map());
  }

  listing(sha: string): readonly string[] | undefined {
    return this.listings.get(sha);
  }

  keepListing(sha: string, paths: readonly string[]): void {
    if (FULL_ID.test(sha)) this.listings.set(sha, [...paths]);
  }

  /** Keeps a diff being made ahead of its use; a failure is left for the one who asks. */
  expectDiff(from: string, to: string, diff: Promise<string>): void {
    diff.catch(() => undefined);
    this.diffs.set(`${from} ${to}`, diff);
  }

  /** The diff made ahead for `from` and `to`, once; undefined when there is none. */
  takeDiff(from: string, to: string): Promise<string> | undefined {
    return this.diffs.take(`${from} ${to}`);
  }
}
