import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll } from "vitest";
import { LocalForge } from "../../../src/forge/local/index.ts";
import { forgeContract } from "../forge-contract.ts";
import { BASE_FILES, EXECUTABLE, type ForgeWorld } from "../forge-world.ts";
import { env, git, gitRaw, removeTempDirs, tempDir, write } from "./fixtures.ts";

afterAll(removeTempDirs);

/** A temporary repository whose one commit holds BASE_FILES, read back with git itself. */
function localWorld(): ForgeWorld {
  const dir = tempDir("autoopt-contract-");
  git(dir, "init", "-q", "-b", "main");
  for (const [path, content] of Object.entries(BASE_FILES))
    write(dir, path, content, path === EXECUTABLE ? 0o755 : 0o644);
  git(dir, "add", "--", ...Object.keys(BASE_FILES));
  git(dir, "commit", "-q", "-m", "base");
  const ref = (name: string) => `refs/heads/${name}`;
  const paths = (sha: string) => gitRaw(dir, "ls-tree", "-r", "-z", "--name-only", sha).split("\0");
  return {
    forge: (session) => new LocalForge({ repo: dir, session, env }),
    base: git(dir, "rev-parse", "HEAD"),
    branch: (name) => git(dir, "for-each-ref", "--format=%(objectname)", ref(name)) || undefined,
    branches: (prefix) => {
      const lines = git(dir, "for-each-ref", "--format=%(refname) %(objectname)", ref(prefix));
      return Object.fromEntries(
        lines
          .split("\n")
          .filter(Boolean)
          .map((line) => line.replace(/^refs\/heads\//, "").split(" ")),
      );
    },
    parents: (sha) => git(dir, "rev-list", "--parents", "-n", "1", sha).split(" ").slice(1),
    message: (sha) => git(dir, "log", "-1", "--format=%B", sha),
    files: (sha) =>
      Object.fromEntries(
        paths(sha)
          .filter(Boolean)
          .map((path) => [path, gitRaw(dir, "cat-file", "blob", `${sha}:${path}`)]),
      ),
    mode: (sha, path) => git(dir, "ls-tree", sha, "--", path).split(" ")[0] || undefined,
    commit: (parent, changes) => {
      // The test's repository has no user work: its working tree is free for making commits.
      git(dir, "checkout", "-q", "--detach", parent);
      for (const [path, content] of Object.entries(changes)) {
        if (content === null) rmSync(join(dir, path));
        else write(dir, path, content);
        git(dir, "add", "--", path);
      }
      git(dir, "commit", "-q", "--allow-empty", "-m", "direct");
      return git(dir, "rev-parse", "HEAD");
    },
    setBranch: (name, sha) => {
      git(dir, "update-ref", ref(name), sha);
    },
  };
}

forgeContract("LocalForge", localWorld);
