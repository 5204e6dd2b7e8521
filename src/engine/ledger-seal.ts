import { readFile } from "node:fs/promises";
import { writeAtomic } from "./archive-writer.ts";

/**
 * What the session's ledger file must hold: exactly the lines this process loaded and appended.
 * autoopt is the ledger's only writer, so any other byte was written by something else — a run
 * that can reach the session folder (no sandbox), appending forged rows that a later resume
 * would act on. Checked before every append; on a difference the file is put back as autoopt
 * wrote it, what was found is kept beside it as evidence, and the session stops.
 */
export class LedgerSeal {
  readonly path: string;
  private expected: string | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Takes the file as it is now (after a torn last line was dropped) as the starting point. */
  async open(): Promise<void> {
    this.expected = await this.read();
  }

  /** Throws, after restoring the file, when it is not what this process wrote. */
  async check(now: number): Promise<void> {
    if (this.expected === undefined) return;
    const found = await this.read();
    if (found === this.expected) return;
    const evidence = `${this.path}.tampered-${now}`;
    await writeAtomic(evidence, found);
    await writeAtomic(this.path, this.expected);
    throw new Error(
      `${this.path} was changed by something other than autoopt during the session (${describe(this.expected, found)}); a run may have forged its records. The ledger was restored to what autoopt wrote and the changed file kept as ${evidence}. Look at that file and at the runs' code before resuming with \`autoopt run --session\``,
    );
  }

  /** Adds a line this process appended. */
  extend(line: string): void {
    if (this.expected !== undefined) this.expected += line;
  }

  private async read(): Promise<string> {
    return readFile(this.path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw new Error(`cannot read ${this.path}`, { cause: error });
    });
  }
}

function describe(expected: string, found: string): string {
  if (found.startsWith(expected)) {
    const extra = found.slice(expected.length).split("\n").filter(Boolean).length;
    return `${extra} line${extra === 1 ? "" : "s"} appended`;
  }
  const a = expected.split("\n");
  const b = found.split("\n");
  const line = a.findIndex((l, i) => l !== b[i]) + 1;
  return `line ${line || a.length} rewritten`;
}
