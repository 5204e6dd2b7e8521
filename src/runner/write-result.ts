import { randomUUID } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import type { Result } from "../core/result.ts";

/** Writes result.json through a temporary file and a rename, so no reader sees half of it. */
export async function writeResult(file: string, result: Result): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(result, null, 2)}\n`);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(`could not write ${file}`, { cause: error });
  }
}
