import { GitHubForge } from "../../../src/forge/github/index.ts";
import type { Entry, FakeRepo } from "../../app/session/fake-repo.ts";
import { useFakeGitHub } from "../../app/session/fake-routes.ts";
import { forgeContract } from "../forge-contract.ts";
import { BASE_FILES, EXECUTABLE, type ForgeWorld } from "../forge-world.ts";
import { octokit } from "./github-mock.ts";
import { OWNER, REPO } from "./github-shapes.ts";

const fakeGitHub = useFakeGitHub();

/** A commit of `changes` over `parent`'s tree (a root commit without one); `null` deletes a path. */
function commitChanges(
  repo: FakeRepo,
  parent: string | undefined,
  changes: Readonly<Record<string, string | null>>,
): string {
  const entries = new Map<string, Entry>(parent === undefined ? [] : repo.treeOf(parent));
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) entries.delete(path);
    else {
      const mode = path === EXECUTABLE && parent === undefined ? "100755" : "100644";
      entries.set(path, {
        mode: entries.get(path)?.mode ?? mode,
        type: "blob",
        sha: repo.blob(content),
      });
    }
  }
  return repo.commit(repo.tree(entries), parent === undefined ? [] : [parent], "direct");
}

/** The fake GitHub's repository with BASE_FILES on main, read back from its objects and refs. */
function githubWorld(): ForgeWorld {
  const repo = fakeGitHub();
  const base = commitChanges(repo, undefined, BASE_FILES);
  repo.refs.set("heads/main", base);
  const commit = (sha: string) => {
    const found = repo.commits.get(sha);
    if (!found) throw new Error(`the fake GitHub has no commit ${sha}`);
    return found;
  };
  const content = (blob: string) => {
    const text = repo.blobs.get(blob);
    if (text === undefined) throw new Error(`the fake GitHub has no blob ${blob}`);
    return text;
  };
  return {
    forge: (session) => new GitHubForge({ octokit: octokit(), owner: OWNER, repo: REPO, session }),
    base,
    branch: (name) => repo.refs.get(`heads/${name}`),
    branches: (prefix) =>
      Object.fromEntries(
        [...repo.refs]
          .filter(([ref]) => ref.startsWith(`heads/${prefix}`))
          .map(([ref, sha]) => [ref.replace(/^heads\//, ""), sha]),
      ),
    parents: (sha) => commit(sha).parents,
    message: (sha) => commit(sha).message,
    files: (sha) =>
      Object.fromEntries([...repo.treeOf(sha)].map(([path, e]) => [path, content(e.sha)])),
    mode: (sha, path) => repo.treeOf(sha).get(path)?.mode,
    commit: (parent, changes) => commitChanges(repo, parent, changes),
    setBranch: (name, sha) => {
      repo.refs.set(`heads/${name}`, sha);
    },
  };
}

forgeContract("GitHubForge", githubWorld);
