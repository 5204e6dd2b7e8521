import { open, readFile, truncate } from "node:fs/promises";
import { LedgerEvent } from "../core/index.ts";

/**
 * The session's append-only JSONL ledger, the one source of truth for its state. Each event is
 * one `write` of a whole line followed by an fsync, so a crash leaves at most a torn last line,
 * which loading drops (that event was never acknowledged).
 */
export class LedgerFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async load(): Promise<{ events: LedgerEvent[]; repaired: boolean }> {
    const text = await readFile(this.path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    const complete =
      text.endsWith("\n") || text === "" ? text : text.slice(0, text.lastIndexOf("\n") + 1);
    const repaired = complete.length !== text.length;
    if (repaired) await truncate(this.path, Buffer.byteLength(complete));
    const events = complete
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => parseLine(line, i + 1, this.path));
    return { events, repaired };
  }

  /**
   * A write that fails part way (a full disk) is cut off again: a torn line left in the middle,
   * with later events after it, would make the whole ledger unreadable. Returns the line
   * written, so that a caller can tell its own lines from anyone else's.
   */
  async append(event: LedgerEvent): Promise<string> {
    const line = Buffer.from(`${JSON.stringify(LedgerEvent.parse(event))}\n`);
    try {
      const handle = await open(this.path, "a");
      try {
        const { size } = await handle.stat();
        try {
          // A write to a filling disk may take part of the bytes and fail only on the next call.
          for (let done = 0; done < line.length; )
            done += (await handle.write(line, done)).bytesWritten;
          await handle.datasync();
        } catch (error) {
          await handle.truncate(size).catch(() => undefined);
          throw error;
        }
      } finally {
        await handle.close();
      }
      return line.toString("utf8");
    } catch (error) {
      throw new Error(`cannot append to the ledger ${this.path}`, { cause: error });
    }
  }
}

function parseLine(line: string, n: number, path: string): LedgerEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(
      `${path}:${n} is not JSON; the ledger was edited by hand — restore that line from a backup`,
      {
        cause: error,
      },
    );
  }
  const parsed = LedgerEvent.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}:${n} is not a ledger event (${issue?.path.join(".")}: ${issue?.message})`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}
