import { createHash } from "node:crypto";
import type {
  CandidateCommit,
  CandidateRebase,
  Forge,
  FrontierMember,
  RebaseConflict,
} from "../forge.ts";
import { changedPaths, overlap } from "./changed-paths.ts";
import { GitHubApi, type GitHubRequest } from "./github-api.ts";
import { GitHubApiError } from "./github-api-error.ts";
import type { GitHubClient, GitTreeEntry, NewTreeEntry, TreeMode } from "./github-client.ts";
import { type SessionRefs, sessionRefs } from "./session-refs.ts";
import { TreeReader } from "./tree-reader.ts";

/** Blob contents kept in memory, most recent first out last. */
const CACHED_BLOBS = 256;

export interface GitHubForgeOptions {
  /** `new Octokit()` from @octokit/rest, or Probot's `context.octokit`. */
  octokit: GitHubClient;
  owner: string;
  repo: string;
  session: string;
  /** Called before every REST call, e.g. to report API calls per experiment. */
  onRequest?: (request: GitHubRequest) => void;
}

/**
 * A session's branches on GitHub, through the Git Data API: no clone, no working tree. Commits
 * are blobs → tree on `base_tree` → commit → ref; the ratchet moves only by fast-forward.
 */
export class GitHubForge implements Forge {
  readonly session: string;
  readonly refs: SessionRefs;
  private readonly api: GitHubApi;
  private readonly trees: TreeReader;
  /**
   * The ratchet as `ratchetHead` last read it, taken by the next `advanceRatchet` instead of a
   * read of its own (a resume reads it right before mending it); `force: false` on the
   * update still refuses anything but a fast-forward.
   */
  private lastRead: string | undefined;
  /** Blob contents by SHA, read or written (a blob never changes): a proposal reads the same files again and again. */
  private readonly blobs = new Map<string, string>();

  constructor(options: GitHubForgeOptions) {
    this.session = options.session;
    this.refs = sessionRefs(options.session);
    this.api = new GitHubApi(options);
    this.trees = new TreeReader(this.api);
  }

  /** REST calls this forge has made, failed ones included. */
  get requests(): number {
    return this.api.requests;
  }

  async startSession(baseSha: string): Promise<void> {
    try {
      await this.api.createRef(this.refs.ratchet, baseSha);
    } catch (error) {
      // Resuming: the branch is there already, wherever it points now.
      if (!isRejected(error, /already exists/i)) throw error;
      if ((await this.api.getRef(this.refs.ratchet)) === undefined) throw error;
    }
  }

  async ratchetHead(): Promise<string> {
    const sha = await this.readRatchet();
    this.lastRead = sha;
    return sha;
  }

  private async readRatchet(): Promise<string> {
    const sha = await this.api.getRef(this.refs.ratchet);
    if (sha === undefined) {
      throw new Error(
        `session ${this.session} has no ratchet branch (refs/${this.refs.ratchet}) in ${this.api.owner}/${this.api.repo}; start the session first, or check the branch was not deleted`,
      );
    }
    return sha;
  }

  async readFiles(sha: string, paths: readonly string[]): Promise<Map<string, string>> {
    const { entries } = await this.trees.snapshot(sha);
    const files = new Map<string, string>();
    // One at a time: GitHub asks integrators not to fire concurrent requests.
    for (const path of paths) {
      const entry = entries.get(path);
      if (entry?.type === "blob") files.set(path, await this.blob(entry.sha));
    }
    return files;
  }

  private async blob(sha: string): Promise<string> {
    const known = this.blobs.get(sha);
    if (known !== undefined) return known;
    const content = await this.api.getBlob(sha);
    this.keepBlob(sha, content);
    return content;
  }

  private keepBlob(sha: string, content: string): void {
    this.blobs.set(sha, content);
    if (this.blobs.size > CACHED_BLOBS) {
      const oldest = this.blobs.keys().next().value;
      if (oldest !== undefined) this.blobs.delete(oldest);
    }
  }

  async listFiles(sha: string): Promise<string[]> {
    const { entries } = await this.trees.snapshot(sha);
    return [...entries.values()].filter((e) => e.type === "blob").map((e) => e.path);
  }

  async commitCandidate(input: CandidateCommit): Promise<string> {
    const base = await this.trees.snapshot(input.parent);
    // The files go inline in the tree request: GitHub writes their blobs within it.
    const entries: NewTreeEntry[] = [...input.files].map(([path, content]) => ({
      path,
      mode: fileMode(base.entries.get(path)),
      type: "blob",
      content,
    }));
    const { sha, tree } = await this.commit(entries, base.tree, input.parent, input.message);
    // What the new commit holds is known without asking: its listing is the parent's with the
    // files written over it, each blob's SHA is git's hash of its content.
    const listing = new Map(base.entries);
    for (const [path, content] of input.files) {
      const blob = gitBlobSha(content);
      listing.set(path, { path, mode: fileMode(base.entries.get(path)), type: "blob", sha: blob });
      this.keepBlob(blob, content);
    }
    this.trees.remember(sha, { tree, entries: listing });
    if (input.experiment !== undefined) await this.setExperimentBranch(input.experiment, sha);
    return sha;
  }

  /**
   * Conservative: any path changed both by the candidate and on the ratchet since its parent is a
   * conflict (no three-way merge through the API). Otherwise the candidate's versions of its
   * paths go onto `onto`'s tree.
   */
  async rebaseCandidate(input: CandidateRebase): Promise<string | RebaseConflict> {
    const ours = await this.candidateChanges(input.parent, input.candidate);
    const theirs = await this.ratchetChanges(input.parent, input.onto);
    const both = overlap(ours, theirs);
    if (both.length > 0) {
      return {
        conflict: `the candidate ${short(input.candidate)} and the ratchet since ${short(input.parent)} both changed ${both.join(", ")}`,
      };
    }
    const { entries: files } = await this.trees.snapshot(input.candidate);
    const entries = [...ours].sort().map((path) => carried(path, files.get(path)));
    const onto = await this.trees.treeOf(input.onto);
    const { sha } = await this.commit(entries, onto, input.onto, input.message);
    if (input.experiment !== undefined) await this.setExperimentBranch(input.experiment, sha);
    return sha;
  }

  /**
   * Reads the ratchet first so that "false when it was not at `from`" holds even when `to`
   * descends from wherever it is now; `force: false` then guards the window until the PATCH.
   */
  async advanceRatchet(from: string, to: string): Promise<boolean> {
    // The caller read the ratchet just before deciding to move it: that read is the check, once.
    const read = this.lastRead ?? (await this.readRatchet());
    this.lastRead = undefined;
    if (read !== from) return false;
    try {
      await this.api.updateRef(this.refs.ratchet, to, false);
      return true;
    } catch (error) {
      if (!isRejected(error, /fast.?forward/i)) throw error;
      if ((await this.readRatchet()) !== from) return false;
      throw new Error(
        `refusing to move the ratchet from ${from} to ${to}: not a fast-forward (${to} does not descend from ${from})`,
        { cause: error },
      );
    }
  }

  async resetRatchet(sha: string): Promise<void> {
    // The read the next advanceRatchet would take is of a position this reset leaves.
    this.lastRead = undefined;
    try {
      await this.api.updateRef(this.refs.ratchet, sha, true);
    } catch (error) {
      if (!isRejected(error, /does not exist/i)) throw error;
      await this.api.createRef(this.refs.ratchet, sha);
    }
  }

  async setExperimentBranch(experiment: number, sha: string): Promise<void> {
    await this.setBranch(this.refs.experiment(experiment), sha);
  }

  async dropExperiment(experiment: number): Promise<void> {
    try {
      await this.api.deleteRef(this.refs.experiment(experiment));
    } catch (error) {
      const gone =
        error instanceof GitHubApiError &&
        (error.status === 404 || error.is(422, /does not exist/i));
      if (!gone) throw error;
    }
  }

  async markFrontier(members: readonly FrontierMember[]): Promise<void> {
    const wanted = new Map(members.map((m) => [`refs/${this.refs.frontier(m.experiment)}`, m.sha]));
    const existing = await this.api.matchingRefs(this.refs.frontierPrefix);
    for (const ref of existing) {
      const sha = wanted.get(ref.ref);
      if (sha === ref.object.sha) wanted.delete(ref.ref);
      else if (sha === undefined) await this.api.deleteRef(ref.ref.replace(/^refs\//, ""));
    }
    for (const [ref, sha] of wanted) await this.setBranch(ref.replace(/^refs\//, ""), sha);
  }

  diff(from: string, to: string): Promise<string> {
    return this.api.compareDiff(from, to);
  }

  private async commit(
    entries: NewTreeEntry[],
    baseTree: string,
    parent: string,
    message: string,
  ): Promise<{ sha: string; tree: string }> {
    // POST /git/trees wants at least one entry; an empty change keeps the parent's tree.
    const tree = entries.length === 0 ? baseTree : await this.api.createTree(entries, baseTree);
    return { sha: await this.api.createCommit(message, tree, [parent]), tree };
  }

  /** Creates the branch, or moves it wherever it is (an experiment branch is ours alone). */
  private async setBranch(ref: string, sha: string): Promise<void> {
    try {
      await this.api.createRef(ref, sha);
    } catch (error) {
      if (!isRejected(error, /already exists/i)) throw error;
      await this.api.updateRef(ref, sha, true);
    }
  }

  private async candidateChanges(parent: string, candidate: string): Promise<Set<string>> {
    const comparison = await this.api.compare(parent, candidate);
    if (comparison.status !== "ahead" && comparison.status !== "identical") {
      throw new Error(
        `cannot re-base ${candidate}: it does not descend from its parent ${parent} (GitHub compares them as "${comparison.status}")`,
      );
    }
    return changedPaths(comparison, `the candidate ${candidate}`);
  }

  /** Every path that differs between `parent` and `onto`, whichever way the ratchet moved. */
  private async ratchetChanges(parent: string, onto: string): Promise<Set<string>> {
    if (parent === onto) return new Set();
    const forward = await this.api.compare(parent, onto);
    const paths = changedPaths(forward, `the ratchet from ${parent} to ${onto}`);
    if (forward.status === "ahead" || forward.status === "identical") return paths;
    // Behind or diverged: `...` compares from the merge base, so add what `parent` changed since.
    const back = await this.api.compare(onto, parent);
    return new Set([...paths, ...changedPaths(back, `${parent} since ${onto}`)]);
  }
}

/** The SHA git gives a blob of this text (UTF-8), as GitHub computes it for inline tree content. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function isRejected(error: unknown, message: RegExp): boolean {
  return error instanceof GitHubApiError && error.is(422, message);
}

/** Keeps an existing file's mode (executable, symlink); a new file is a plain file. */
function fileMode(entry: GitTreeEntry | undefined): TreeMode {
  const mode = entry?.mode;
  return mode === "100755" || mode === "120000" ? mode : "100644";
}

/** The candidate's version of a path, or its deletion when the candidate removed it. */
function carried(path: string, entry: GitTreeEntry | undefined): NewTreeEntry {
  if (entry === undefined) return { path, mode: "100644", type: "blob", sha: null };
  const type = entry.type === "commit" ? "commit" : "blob";
  const mode = type === "commit" ? "160000" : fileMode(entry);
  return { path, mode, type, sha: entry.sha };
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
