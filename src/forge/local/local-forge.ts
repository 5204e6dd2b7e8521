import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUTOOPT_IDENTITY, GitError, type GitVars, git, gitBuffer } from "../../git/index.ts";
import type {
  CandidateCommit,
  CandidateRebase,
  Forge,
  FrontierMember,
  RebaseConflict,
} from "../forge.ts";
import { CommitMemo } from "./commit-memo.ts";
import {
  hasLineBreak,
  readBlobs,
  type TreeEntry,
  type TreeReader,
  treeEntries,
} from "./tree-reads.ts";

export interface LocalForgeOptions {
  repo: string;
  session: string;
  /** The caller's environment; git takes only PATH from it. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Branches of a session in the local repository, made with git plumbing: the user's working tree, index and checked-out branch are never touched. */
export class LocalForge implements Forge {
  readonly repo: string;
  readonly session: string;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly memo = new CommitMemo();
  private readonly reader: TreeReader;

  constructor(options: LocalForgeOptions) {
    this.repo = options.repo;
    this.session = options.session;
    this.env = options.env;
    this.reader = {
      git: (args) => this.git(args),
      gitBuffer: (args, input) => gitBuffer(args, { cwd: this.repo, env: this.env, input }),
    };
  }

  get ratchetRef(): string {
    return `refs/heads/autoopt/${this.session}/ratchet`;
  }

  experimentRef(n: number): string {
    return `refs/heads/autoopt/${this.session}/exp-${n}`;
  }

  async startSession(baseSha: string): Promise<void> {
    // An empty old value makes update-ref refuse when the branch exists already.
    const existing = await this.resolve(this.ratchetRef);
    if (existing === undefined) await this.git(["update-ref", this.ratchetRef, baseSha, ""]);
  }

  async ratchetHead(): Promise<string> {
    const sha = await this.resolve(this.ratchetRef);
    if (sha === undefined)
      throw new Error(`session ${this.session} has no ratchet branch (${this.ratchetRef})`);
    return sha;
  }

  /**
   * The files of a commit that exist there, read by one `cat-file --batch`: a proposal reads
   * every editable file and the program before each experiment, most often at the same commit,
   * so what a full commit id held is kept.
   */
  async readFiles(sha: string, paths: readonly string[]): Promise<Map<string, string>> {
    const known = this.memo.filesAt(sha);
    const unread = paths.filter((path) => !known?.has(path));
    const read =
      unread.length === 0 ? new Map<string, string>() : await readBlobs(this.reader, sha, unread);
    for (const [path, text] of read) known?.set(path, text);
    const files = new Map<string, string>();
    // In the order git read them: paths with a line break first, each on its own.
    const order = [...paths.filter(hasLineBreak), ...paths.filter((p) => !hasLineBreak(p))];
    for (const path of order) {
      const text = known?.get(path) ?? read.get(path);
      if (text !== undefined) files.set(path, text);
    }
    return files;
  }

  async listFiles(sha: string): Promise<string[]> {
    const known = this.memo.listing(sha);
    if (known !== undefined) return [...known];
    const out = await this.git(["ls-tree", "-r", "-z", "--name-only", sha]);
    const paths = out.split("\0").filter(Boolean);
    this.memo.keepListing(sha, paths);
    return paths;
  }

  async commitCandidate(input: CandidateCommit): Promise<string> {
    const entries = await this.entries(input.parent, [...input.files.keys()]);
    const changed: string[] = [];
    const sha = await this.withIndex(input.parent, async (vars) => {
      for (const [path, content] of input.files) {
        const blob = (await this.git(["hash-object", "-w", "--stdin"], { input: content })).trim();
        const entry = entries.get(path);
        if (entry?.oid !== blob) changed.push(path);
        const mode = entry?.mode || "100644";
        await this.git(["update-index", "--add", "--cacheinfo", `${mode},${blob},${path}`], {
          vars,
        });
      }
      return this.commitIndex(vars, input.parent, input.message);
    });
    // The paths as diff-tree lists them: the parent's entry and the new one differ.
    this.memo.madeCommit(sha, input.parent, changed.sort());
    // The archive keeps each candidate's diff: made now, beside the runs, not in the step that records it.
    this.memo.expectDiff(input.parent, sha, this.patch(input.parent, sha));
    if (input.experiment !== undefined) await this.setExperimentBranch(input.experiment, sha);
    return sha;
  }

  async rebaseCandidate(input: CandidateRebase): Promise<string | RebaseConflict> {
    const patch = await this.patch(input.parent, input.candidate, ["--binary", "--full-index"]);
    const sha = await this.withIndex(input.onto, async (vars) => {
      // An empty change is `onto` as it is; `git apply` would refuse it ("No valid patches").
      if (patch === "") return this.commitIndex(vars, input.onto, input.message);
      try {
        await this.git(["apply", "--cached", "--3way", "--whitespace=nowarn"], {
          vars,
          input: patch,
        });
      } catch (error) {
        if (error instanceof GitError) return { conflict: error.stderr || error.message };
        throw error;
      }
      return this.commitIndex(vars, input.onto, input.message);
    });
    if (typeof sha !== "string") return sha;
    this.memo.madeCommit(sha, input.onto);
    if (input.experiment !== undefined) await this.setExperimentBranch(input.experiment, sha);
    return sha;
  }

  async advanceRatchet(from: string, to: string): Promise<boolean> {
    // A commit made here on `from` is a fast-forward from it without asking.
    const ancestor = this.memo.isChildOf(to, from) || (await this.isAncestor(from, to));
    if (!ancestor)
      throw new Error(`refusing to move the ratchet from ${from} to ${to}: not a fast-forward`);
    try {
      await this.git(["update-ref", this.ratchetRef, to, from]);
      return true;
    } catch (error) {
      if (error instanceof GitError) return false;
      throw error;
    }
  }

  async resetRatchet(sha: string): Promise<void> {
    await this.git(["update-ref", this.ratchetRef, sha]);
  }

  async setExperimentBranch(experiment: number, sha: string): Promise<void> {
    await this.git(["update-ref", this.experimentRef(experiment), sha]);
  }

  /** Deletes the branch when it exists: git deletes a missing ref without complaint. */
  async dropExperiment(experiment: number): Promise<void> {
    const ref = this.experimentRef(experiment);
    try {
      await this.git(["update-ref", "-d", ref]);
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      // A git that refuses to delete a missing ref: only one that exists must go.
      if ((await this.resolve(ref)) !== undefined) throw error;
    }
  }

  async markFrontier(members: readonly FrontierMember[]): Promise<void> {
    const prefix = `refs/heads/autoopt/${this.session}/frontier/`;
    const wanted = new Map(members.map((m) => [`${prefix}exp-${m.experiment}`, m.sha]));
    const listed = await this.git(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    const commands: string[] = [];
    for (const line of listed.split("\n").filter(Boolean)) {
      const [ref = "", sha] = line.split(" ");
      if (wanted.get(ref) === sha) wanted.delete(ref);
      else if (!wanted.has(ref)) commands.push(`delete ${ref}`);
    }
    for (const [ref, sha] of wanted) commands.push(`update ${ref} ${sha}`);
    // One transaction: the frontier's branches never show a half-updated set.
    if (commands.length > 0)
      await this.git(["update-ref", "--stdin"], { input: `${commands.join("\n")}\n` });
  }

  diff(from: string, to: string): Promise<string> {
    const ahead = this.memo.takeDiff(from, to);
    return ahead === undefined ? this.patch(from, to) : ahead.catch(() => this.patch(from, to));
  }

  /**
   * A plain unified diff. Plumbing, not `git diff`: the user's diff settings (noprefix, colour, an
   * external diff tool, context lines) would otherwise give text `git apply` cannot read, so every
   * rebase would look like a conflict, or a difftool's rendering in the archive.
   */
  private patch(from: string, to: string, extra: readonly string[] = []): Promise<string> {
    return this.git([
      "diff-tree",
      "-p",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      ...extra,
      from,
      to,
    ]);
  }

  /** The parents of a commit named by its full id; undefined when there is no such commit. */
  async commitParents(sha: string): Promise<string[] | undefined> {
    const made = this.memo.parentsOf(sha);
    if (made !== undefined) return made;
    let line: string;
    try {
      line = await this.git(["rev-list", "--parents", "-n", "1", `${sha}^{commit}`, "--"]);
    } catch {
      return undefined;
    }
    const [self, ...parents] = line.trim().split(" ");
    // A ref name or a short id resolves too; only the commit's own full id names it here.
    return self === sha ? parents : undefined;
  }

  async changedPaths(from: string, to: string): Promise<string[]> {
    const made = this.memo.changedBetween(from, to);
    if (made !== undefined) return made;
    const out = await this.git(["diff-tree", "-r", "-z", "--name-only", "--no-renames", from, to]);
    return out.split("\0").filter(Boolean);
  }

  experimentHead(n: number): Promise<string | undefined> {
    return this.resolve(this.experimentRef(n));
  }

  async resolve(ref: string): Promise<string | undefined> {
    try {
      return (await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
    } catch {
      return undefined;
    }
  }

  private async isAncestor(a: string, b: string): Promise<boolean> {
    try {
      await this.git(["merge-base", "--is-ancestor", a, b]);
      return true;
    } catch {
      return false;
    }
  }

  /** The entries of `paths` in the tree of `sha` (a commit's are kept); absent paths have none. */
  private async entries(sha: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
    const known = this.memo.entriesAt(sha) ?? new Map<string, TreeEntry | null>();
    const unread = paths.filter((path) => !known.has(path));
    if (unread.length > 0) {
      const found = await treeEntries(this.reader, sha, unread);
      for (const path of unread) known.set(path, found.get(path) ?? null);
    }
    const entries = new Map<string, TreeEntry>();
    for (const path of paths) {
      const entry = known.get(path);
      if (entry) entries.set(path, entry);
    }
    return entries;
  }

  /** Runs `work` against a private index file seeded from `sha`, so the user's index is untouched. */
  private async withIndex<T>(sha: string, work: (vars: GitVars) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "autoopt-index-"));
    const vars: GitVars = { ...AUTOOPT_IDENTITY, GIT_INDEX_FILE: join(dir, "index") };
    try {
      await this.git(["read-tree", sha], { vars });
      return await work(vars);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async commitIndex(vars: GitVars, parent: string, message: string): Promise<string> {
    const tree = (await this.git(["write-tree"], { vars })).trim();
    return (await this.git(["commit-tree", tree, "-p", parent, "-m", message], { vars })).trim();
  }

  private git(args: readonly string[], options: { input?: string; vars?: GitVars } = {}) {
    return git(args, {
      cwd: this.repo,
      env: this.env,
      ...(options.vars ? { vars: options.vars } : {}),
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }
}
