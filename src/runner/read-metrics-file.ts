import { readFile } from "node:fs/promises";

export type MetricsFile = { ok: true; text: string | undefined } | { ok: false; reason: string };

/** The text of `$AUTOOPT_OUT/metrics.json`; `text` is undefined when no one wrote it. */
export async function readMetricsFile(path: string): Promise<MetricsFile> {
  try {
    return { ok: true, text: await readFile(path, "utf8") };
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT") return { ok: true, text: undefined };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `could not read $AUTOOPT_OUT/metrics.json: ${message}` };
  }
}
