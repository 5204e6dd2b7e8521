import type { GitHubApi } from "./github-api.ts";
import type { GitTreeEntry } from "./github-client.ts";

/** A commit's tree: its SHA and every entry by path (blobs, trees and submodules). */
export interface Snapshot {
  tree: string;
  entries: ReadonlyMap<string, GitTreeEntry>;
}

/** How many commits' listings are kept; commits are immutable, so a cached listing never goes stale. */
const CACHED = 8;

/** Reads whole trees with GET /git/commits then GET /git/trees?recursive=1, remembering recent ones. */
export class TreeReader {
  private readonly api: GitHubApi;
  private readonly cache = new Map<string, Promise<Snapshot>>();

  constructor(api: GitHubApi) {
    this.api = api;
  }

  snapshot(commit: string): Promise<Snapshot> {
    const hit = this.cache.get(commit);
    if (hit !== undefined) return hit;
    const read = this.read(commit);
    this.keep(commit, read);
    read.catch(() => this.cache.delete(commit));
    return read;
  }

  private keep(commit: string, snapshot: Promise<Snapshot>): void {
    this.cache.set(commit, snapshot);
    if (this.cache.size > CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** What a commit holds, known without reading it (one this process just made). */
  remember(commit: string, snapshot: Snapshot): void {
    this.keep(commit, Promise.resolve(snapshot));
  }

  /** The SHA of a commit's tree, without listing it unless that is cached already. */
  async treeOf(commit: string): Promise<string> {
    const hit = this.cache.get(commit);
    if (hit !== undefined) return (await hit).tree;
    return (await this.api.getCommit(commit)).tree.sha;
  }

  private async read(commit: string): Promise<Snapshot> {
    const { tree } = await this.api.getCommit(commit);
    const listing = await this.api.getTree(tree.sha);
    if (listing.truncated) {
      throw new Error(
        `the tree of ${commit} in ${this.api.owner}/${this.api.repo} is larger than GitHub's recursive tree API returns (truncated: true, past 100,000 entries or 7 MB); autoopt needs the whole listing, so move large generated or vendored files out of the repository`,
      );
    }
    return { tree: tree.sha, entries: new Map(listing.tree.map((e) => [e.path, e])) };
  }
}
