import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskFullMessage, findDiskFull, LedgerFile } from "../../src/engine/index.ts";

const errno = (code: string, path?: string) =>
  Object.assign(new Error(`${code}: oops, write`), { code, ...(path ? { path } : {}) });

describe("findDiskFull", () => {
  it("finds ENOSPC or EDQUOT anywhere in the cause chain, with what was being done", () => {
    const inner = errno("ENOSPC");
    const wrapped = new Error("cannot append to the ledger /s/ledger.jsonl", { cause: inner });
    expect(findDiskFull(new Error("run failed", { cause: wrapped }))).toEqual({
      code: "ENOSPC",
      doing: "run failed",
    });
    expect(findDiskFull(errno("EDQUOT", "/s/exp-1/run.log"))).toEqual({
      code: "EDQUOT",
      path: "/s/exp-1/run.log",
    });
  });

  it("recognizes git's words for it, and nothing else", () => {
    const git = new Error(
      "git worktree add failed: fatal: could not create work tree dir '/s/worktrees/exp-3': No space left on device",
    );
    expect(findDiskFull(git)?.code).toBe("ENOSPC");
    expect(findDiskFull(errno("EACCES"))).toBeUndefined();
    expect(findDiskFull(new Error("the baseline failed"))).toBeUndefined();
    expect(findDiskFull("ENOSPC")).toBeUndefined();
  });

  it("says what was written, where, and how to resume", () => {
    const message = diskFullMessage({ code: "ENOSPC", path: "/r/.autoopt/s/exp-2/run.log" }, "s");
    expect(message).toContain("cannot write the run's log (/r/.autoopt/s/exp-2/run.log)");
    expect(message).toContain("`df -h /r/.autoopt/s/exp-2`");
    expect(message).toContain("`autoopt run --session s`");
  });
});

// A small tmpfs gives a real full disk; mounting one needs root, as CI has.
const mnt = join(tmpdir(), `autoopt-full-${process.pid}`);
const mountError = (() => {
  try {
    mkdirSync(mnt, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    rmSync(mnt, { recursive: true, force: true });
    return error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
})();
afterAll(() => {
  if (mountError === undefined) execFileSync("umount", [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

const event = (i: number, pad = 0) => ({
  type: "stopped" as const,
  at: "2026-01-01T00:00:00.000Z",
  reason: `step ${i} ${"x".repeat(pad)}`,
});

describe.skipIf(mountError !== undefined)(
  `LedgerFile on a full disk${mountError ? ` (skipped: cannot mount a tmpfs: ${mountError})` : ""}`,
  () => {
    it("keeps every whole line when an append fails part way, and stays readable", async () => {
      const ledger = new LedgerFile(join(mnt, "ledger.jsonl"));
      await ledger.append(event(1));
      await ledger.append(event(2));
      const before = readFileSync(ledger.path, "utf8");
      // Leave less room than the next line needs: the write lands in part, then fails.
      let ballast = 0;
      for (;;) {
        try {
          writeFileSync(join(mnt, `ballast-${ballast}`), Buffer.alloc(1024));
          ballast++;
        } catch {
          break;
        }
      }
      const failure = await ledger.append(event(3, 20_000)).catch((e: unknown) => e);
      expect(findDiskFull(failure)).toMatchObject({ code: "ENOSPC" });
      expect((failure as Error).message).toContain(ledger.path);
      expect(readFileSync(ledger.path, "utf8")).toBe(before);
      const { events, repaired } = await ledger.load();
      expect(events.map((e) => e.type === "stopped" && e.reason)).toEqual(["step 1 ", "step 2 "]);
      expect(repaired).toBe(false);
      for (let i = 0; i < ballast; i++) rmSync(join(mnt, `ballast-${i}`));
      await ledger.append(event(3, 20_000));
      expect((await ledger.load()).events).toHaveLength(3);
    });
  },
);
