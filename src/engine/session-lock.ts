import { open, readFile, rm } from "node:fs/promises";

/** One `autoopt run` per session at a time; a lock left by a killed process is taken over. */
export class SessionLock {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async acquire(pid: number): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(this.path, "wx");
        await handle.write(String(pid));
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const holder = Number((await readFile(this.path, "utf8").catch(() => "")).trim());
        if (holder && holder !== pid && alive(holder)) {
          throw new Error(
            `the session is already running in process ${holder}; stop it first (Ctrl-C there), or wait`,
          );
        }
        await rm(this.path, { force: true });
      }
    }
    throw new Error(`could not lock ${this.path}`);
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
