import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.ts";
import { DiskFullError, LedgerFile } from "../../src/engine/index.ts";
import { config } from "../helpers/temp-repo.ts";

// A real full disk: a small tmpfs, which only root may mount (CI runs as root).
const mnt = join(tmpdir(), `autoopt-enospc-${process.pid}`);
const mountError = (() => {
  try {
    mkdirSync(mnt, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    rmSync(mnt, { recursive: true, force: true });
    return error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
})();
afterAll(() => {
  if (mountError === undefined) execFileSync("umount", ["-l", mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Prints 600 KB before its summary: more than the room left on the filled disk. */
const NOISY = `import sys
for i in range(6000):
    print(f"step {i} " + "." * 92)
print("---")
print("score:   1.000000")
`;

function repoOn(dir: string): string {
  const repo = join(dir, "repo");
  mkdirSync(repo);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: repo,
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main", "--template=");
  writeFileSync(join(repo, "train.py"), NOISY);
  writeFileSync(join(repo, "program.md"), "Lower the score.\n");
  writeFileSync(join(repo, "autoopt.yml"), config("session: { max_experiments: 2 }"));
  git("add", "-A");
  git("commit", "-qm", "initial");
  return repo;
}

/** Fills the disk but for about `room` bytes; returns the files to delete to free it again. */
function fill(dir: string, room: number): string[] {
  const files: string[] = [];
  for (let i = 0; ; i++) {
    const { bavail, bsize } = statfsSync(dir);
    const left = bavail * bsize - room;
    if (left <= 0) return files;
    const path = join(dir, `ballast-${i}`);
    writeFileSync(path, Buffer.alloc(Math.min(left, 1024 * 1024)));
    files.push(path);
  }
}

describe.skipIf(mountError !== undefined)(
  `autoopt run on a disk that fills${mountError ? ` (skipped: cannot mount a tmpfs: ${mountError})` : ""}`,
  () => {
    it("stops cleanly with one message, keeps the ledger whole, and resumes once there is room", async () => {
      const repo = repoOn(mnt);
      const ballast = fill(mnt, 200 * 1024);
      const run = () =>
        runCommand({
          cwd: repo,
          env: process.env,
          session: "s",
          out: { write: () => true },
          tty: false,
          signal: new AbortController().signal,
        });
      const failure = await run().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DiskFullError);
      const message = (failure as Error).message;
      expect(message).toMatch(/^the disk is full \(ENOSPC: no space left on the device\)/);
      expect(message).toContain(join(repo, ".autoopt/s/exp-1/run.log"));
      expect(message).toContain("`autoopt run --session s`");
      const ledger = new LedgerFile(join(repo, ".autoopt/s/ledger.jsonl"));
      const { events } = await ledger.load();
      expect(events.map((e) => e.type).slice(0, 2)).toEqual(["session", "proposed"]);
      expect(events.some((e) => e.type === "finished")).toBe(false);
      // Removing the run's worktree frees enough for the `stopped` event here.
      expect(events.at(-1)).toMatchObject({
        type: "stopped",
        reason: expect.stringMatching(/the disk is full/),
      });

      for (const file of ballast) rmSync(file);
      // The search proposer finds nothing to tune in this script, so the baseline is the session.
      expect((await run()).reason).toMatch(/nothing new to try/);
      const after = (await ledger.load()).events;
      expect(after.map((e) => e.type)).toContain("resumed");
      const finished = after.find((e) => e.type === "finished");
      expect(finished).toMatchObject({ experiment: 1, run: { status: "ok" } });
    });

    it("says what to do when the disk is full before a session can even start", () => {
      const repo = join(mnt, "repo");
      const ballast = fill(mnt, 0);
      const bin = join(import.meta.dirname, "..", "..", "bin", "autoopt.js");
      let stderr = "";
      try {
        execFileSync(process.execPath, [bin, "run", "--session", "full"], {
          cwd: repo,
          stdio: "pipe",
          encoding: "utf8",
        });
      } catch (error) {
        stderr = String((error as { stderr?: string }).stderr);
      } finally {
        for (const file of ballast) rmSync(file);
      }
      expect(stderr).toMatch(/^autoopt: the disk is full \((ENOSPC|EDQUOT)\): /);
      expect(stderr).toContain("free space on that disk, then run the command again");
    });
  },
);
