import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GitError, git, gitEnv } from "../../src/git/index.ts";
import { attackRepo, removeTempDirs, tempDir } from "./attack-repo.ts";

afterAll(removeTempDirs);

describe("gitEnv", () => {
  it("takes PATH from the parent and nothing else", () => {
    const env = gitEnv({
      PATH: "/opt/bin:/usr/bin",
      HOME: "/home/u",
      GIT_DIR: "/elsewhere/.git",
      GIT_INDEX_FILE: "/elsewhere/index",
      GIT_SSH_COMMAND: "evil",
      GIT_CONFIG_COUNT: "1",
      OPENAI_API_KEY: "sk-secret",
    });
    expect(env.PATH).toBe("/opt/bin:/usr/bin");
    expect(env.HOME).toBe("/dev/null");
    expect(env.GIT_CONFIG_GLOBAL).toBe("/dev/null");
    expect(env.GIT_CONFIG_NOSYSTEM).toBe("1");
    for (const name of ["GIT_DIR", "GIT_INDEX_FILE", "GIT_SSH_COMMAND", "OPENAI_API_KEY"]) {
      expect(env[name]).toBeUndefined();
    }
  });
});

describe("git", () => {
  it("works in the repository it is given, whatever GIT_DIR the parent had", async () => {
    const repo = attackRepo();
    const other = attackRepo();
    const env = { ...repo.env, GIT_DIR: join(other.dir, ".git") };
    expect((await git(["rev-parse", "HEAD"], { cwd: repo.dir, env })).trim()).toBe(repo.base);
  });

  it("tells a missing object (exit 1) apart from git not running at all", async () => {
    const repo = attackRepo();
    const missing = git(["rev-parse", "--verify", "--quiet", `${"0".repeat(40)}^{commit}`], {
      cwd: repo.dir,
      env: repo.env,
    });
    await expect(missing).rejects.toMatchObject({ name: "GitError", exitCode: 1 });
    const noGit = git(["rev-parse", "HEAD"], { cwd: repo.dir, env: { PATH: tempDir("empty-") } });
    await expect(noGit).rejects.toThrow(/git is not installed, or not on PATH/);
    await expect(noGit).rejects.toMatchObject({ exitCode: undefined });
  });

  it("keeps config values, tokens included, out of its error message", async () => {
    const repo = attackRepo();
    const error = await git(["-c", "http.extraheader=AUTHORIZATION: basic c2VjcmV0", "nope"], {
      cwd: repo.dir,
      env: repo.env,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain("http.extraheader=…");
    expect((error as GitError).message).not.toContain("c2VjcmV0");
  });
});

describe("git in a repository another user owns", () => {
  it.skipIf(process.getuid?.() !== 0)(
    "works as a container job's checkout needs, though global config (with its safe.directory) is off",
    async () => {
      const dir = tempDir("autoopt-owned-");
      await git(["init", "-q", "-b", "main"], { cwd: dir, env: { PATH: process.env.PATH } });
      execFileSync("chown", ["-R", "65534:65534", dir]);
      const out = await git(["status", "--porcelain"], {
        cwd: dir,
        env: { PATH: process.env.PATH },
      });
      expect(out).toBe("");
    },
  );
});
