import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { type Entry, FakeRepo } from "../session/fake-repo.ts";

/** A fixed identity and date, so that a commit's SHA depends on its tree, parents and message only. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: "autoopt[bot]",
  GIT_AUTHOR_EMAIL: "autoopt@example.com",
  GIT_AUTHOR_DATE: "2026-03-01T10:00:00Z",
  GIT_COMMITTER_NAME: "GitHub",
  GIT_COMMITTER_EMAIL: "noreply@github.com",
  GIT_COMMITTER_DATE: "2026-03-01T10:00:00Z",
};

/**
 * The fake GitHub repository of test/app/session, with every object it holds also written to a
 * real git repository on disk: blobs, trees and commits get the SHAs git gives them. A commit the
 * App makes through the Git Data API is therefore a real commit that `git worktree add` can check
 * out, as actions/checkout checks out the candidate on a runner.
 */
export class GitBackedRepo extends FakeRepo {
  readonly dir: string;

  constructor(dir: string) {
    super();
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.git(["init", "-q", "-b", "main"]);
  }

  override blob(content: string): string {
    const sha = this.git(["hash-object", "-w", "--stdin"], content);
    this.blobs.set(sha, content);
    return sha;
  }

  /** The fake keeps trees flat (`.github/autoopt.yml`); git nests them. */
  override tree(entries: Map<string, Entry>): string {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
    const sha = this.mktree(sorted);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  override commit(tree: string, parents: string[], message: string): string {
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    const sha = this.git(args, message);
    this.commits.set(sha, { tree, parents, message });
    return sha;
  }

  git(args: string[], input?: string): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      input,
      encoding: "utf8",
      env: { ...process.env, ...GIT_ENV },
    }).trim();
  }

  private mktree(entries: [string, Entry][]): string {
    const lines: string[] = [];
    const dirs = new Map<string, [string, Entry][]>();
    for (const [path, entry] of entries) {
      const slash = path.indexOf("/");
      if (slash === -1) {
        lines.push(`${entry.mode} ${entry.type} ${entry.sha}\t${path}`);
        continue;
      }
      const name = path.slice(0, slash);
      dirs.set(name, [...(dirs.get(name) ?? []), [path.slice(slash + 1), entry]]);
    }
    for (const [name, inner] of dirs) lines.push(`040000 tree ${this.mktree(inner)}\t${name}`);
    return this.git(["mktree"], lines.map((l) => `${l}\n`).join(""));
  }
}
