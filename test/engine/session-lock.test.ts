import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionLock } from "../../src/engine/session-lock.ts";

const LOCK_MODULE = join(import.meta.dirname, "../../src/engine/session-lock.ts");

/** A pid that belonged to a process which has exited: what a kill -9 leaves in the lock. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

/**
 * One contender: waits for the common start time so all of them race, tries to take the lock,
 * prints `won` or the error on a line, and (winning) holds it until told to go (its stdin
 * ends), then exits without releasing it, leaving a stale lock for the next round. Holding on
 * until every contender has tried keeps a slow one (a loaded machine) from finding the winner
 * already dead, which would make its takeover a fair one.
 */
const CONTENDER = `
import { SessionLock } from ${JSON.stringify(LOCK_MODULE)};
const [path, startAt] = process.argv.slice(-2);
while (Date.now() < Number(startAt)) {}
try {
  await new SessionLock(path).acquire(process.pid);
  process.stdout.write("won\\n");
  await new Promise((r) => process.stdin.on("end", r).resume());
} catch (error) {
  process.stdout.write("lost: " + error.message + "\\n");
}
`;

interface Contender {
  /** What it printed: `won`, or `lost: ` and why. */
  outcome: Promise<string>;
  /** Lets it go and waits for it to exit. */
  release(): Promise<void>;
}

function contend(path: string, startAt: number): Contender {
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", CONTENDER, "--", path, String(startAt)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const outcome = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("error", reject);
    child.on("exit", () => resolve(out.trim()));
  });
  return {
    outcome,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

describe("taking over a stale session lock", () => {
  it("lets exactly one of several processes racing over the same stale lock win, every time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-lock-"));
    const path = join(dir, "session.lock");
    for (let round = 0; round < 12; round++) {
      writeFileSync(path, String(deadPid()));
      const startAt = Date.now() + 700;
      const contenders = Array.from({ length: 6 }, () => contend(path, startAt));
      const outcomes = await Promise.all(contenders.map((c) => c.outcome));
      await Promise.all(contenders.map((c) => c.release()));
      const won = outcomes.filter((o) => o === "won");
      expect(won, `round ${round}: ${outcomes.join(" | ")}`).toHaveLength(1);
      for (const o of outcomes.filter((x) => x !== "won"))
        expect(o).toMatch(/^lost: the session is already running in process \d+/);
    }
    // Nothing is left behind but the lock itself.
    expect(readdirSync(dir)).toEqual(["session.lock"]);
  }, 60_000);

  it("takes over a stale lock, refuses a live one, and releases only its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-lock-"));
    const lock = new SessionLock(join(dir, "session.lock"));
    writeFileSync(lock.path, String(deadPid()));
    await lock.acquire(process.pid);
    await expect(new SessionLock(lock.path).acquire(process.ppid)).rejects.toThrow(
      `already running in process ${process.pid}`,
    );
    await lock.release(process.ppid);
    expect(existsSync(lock.path)).toBe(true);
    await lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("names the file to delete when a takeover was itself interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-lock-"));
    const lock = new SessionLock(join(dir, "session.lock"));
    writeFileSync(lock.path, String(deadPid()));
    writeFileSync(lock.takeoverPath, String(deadPid()));
    await expect(lock.acquire(process.pid)).rejects.toThrow(`delete ${lock.takeoverPath}`);
  });
});
