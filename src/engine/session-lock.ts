import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** How long to wait for another process that is in the middle of taking over a stale lock. */
const TAKEOVER_WAIT_MS = 5_000;

/**
 * One `autoopt run` per session at a time; a lock left by a killed process is taken over.
 *
 * The lock file holds the holder's pid. It appears whole or not at all: it is written under a
 * private name and hard-linked into place, and link(2) fails when the name exists, so no
 * reader ever sees an empty lock and mistakes it for a stale one. A stale lock is replaced only
 * by the holder of `<lock>.takeover` (an O_EXCL file), which re-reads the lock and swaps it with
 * rename(2) in one step: of several processes that find the same stale lock, exactly one wins.
 */
export class SessionLock {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  get takeoverPath(): string {
    return `${this.path}.takeover`;
  }

  async acquire(pid: number): Promise<void> {
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    for (;;) {
      if (await this.create(pid)) return;
      const holder = await this.holder();
      if (typeof holder === "number" && holder !== pid && alive(holder)) throw running(holder);
      if (holder !== null && (await this.takeOver(pid))) return;
      if (Date.now() > deadline) {
        throw new Error(
          `could not lock ${this.path}: another process kept taking it over for ${TAKEOVER_WAIT_MS / 1000}s; try again`,
        );
      }
      await sleep(5 + Math.random() * 20);
    }
  }

  /** Removes the lock only while it is this process's: a lock taken over by another stays. */
  async release(pid = process.pid): Promise<void> {
    if ((await this.holder()) === pid) await rm(this.path, { force: true });
  }

  /** The pid in the lock file; undefined when it is not a pid, null when there is no lock. */
  private async holder(): Promise<number | undefined | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Puts a new lock in place when there is none; false when one exists. */
  private async create(pid: number): Promise<boolean> {
    const staged = await this.stage(pid);
    try {
      await link(staged, this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw new Error(`could not lock ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      await unlink(staged).catch(() => undefined);
    }
  }

  /**
   * Replaces a stale lock while holding the takeover file. Nobody else can change a stale lock
   * meanwhile: its holder is dead, other takers wait for the takeover file, and a plain create
   * needs the name free. False when another process holds the takeover file or won the lock.
   */
  private async takeOver(pid: number): Promise<boolean> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.takeoverPath, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const taker = Number((await readFile(this.takeoverPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(taker) && taker > 0 && !alive(taker)) {
        throw new Error(
          `process ${taker} died while taking over the stale lock ${this.path}; check that no \`autoopt run\` of this session is running, then delete ${this.takeoverPath} and ${this.path}`,
        );
      }
      return false;
    }
    try {
      await handle.write(String(pid));
      await handle.close();
      // Gone (released) or live again: the next round creates it or reports the holder. A
      // rename onto a free name could replace a lock created meanwhile, so only a stale one is.
      const holder = await this.holder();
      if (holder === null || (holder !== undefined && holder !== pid && alive(holder)))
        return false;
      const staged = await this.stage(pid);
      try {
        await rename(staged, this.path);
      } finally {
        await unlink(staged).catch(() => undefined);
      }
      return true;
    } finally {
      await rm(this.takeoverPath, { force: true });
    }
  }

  /** A complete lock file under a name of its own, beside the lock (same file system). */
  private async stage(pid: number): Promise<string> {
    const staged = `${this.path}.${pid}.${randomBytes(6).toString("hex")}`;
    await writeFile(staged, String(pid), { flag: "wx" });
    return staged;
  }
}

function running(holder: number): Error {
  return new Error(
    `the session is already running in process ${holder}; stop it first (Ctrl-C there), or wait`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
