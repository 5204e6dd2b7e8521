import { constants } from "node:fs";
import { open } from "node:fs/promises";

export type MetricsFile = { ok: true; text: string | undefined } | { ok: false; reason: string };

/** More than any honest metrics.json; a bigger one is refused rather than read into memory. */
const MAX_BYTES = 1024 * 1024;

/**
 * The text of `$AUTOOPT_OUT/metrics.json`; `text` is undefined when no one wrote it. The run
 * wrote the folder, so the file may be anything: a FIFO (which would block a plain read
 * forever), a link to /dev/zero or to a file it should not hand over, or gigabytes of digits.
 */
export async function readMetricsFile(path: string): Promise<MetricsFile> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, flags);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT") return { ok: true, text: undefined };
    if (code === "ELOOP") return refuse("is a symbolic link; write the file itself");
    const message = error instanceof Error ? error.message : String(error);
    return refuse(`could not be read: ${message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return refuse("is not a regular file");
    if (stat.size > MAX_BYTES)
      return refuse(`is ${stat.size} bytes, over the ${MAX_BYTES}-byte limit`);
    return { ok: true, text: await handle.readFile("utf8") };
  } finally {
    await handle.close();
  }
}

function refuse(why: string): MetricsFile {
  return { ok: false, reason: `$AUTOOPT_OUT/metrics.json ${why}` };
}
