import { unzipSync } from "fflate";
import { Result, type RunSummary } from "../../core/index.ts";

/** result.json is small; anything larger is not one the action wrote. */
const MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The result.json in a run's artifact zip, validated, or why there is none. Nothing else in the
 * zip is decompressed: logs and traces can be large and the App does not need them.
 */
export function readResult(zip: Uint8Array, artifact: string): Result | string {
  let size: number | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        if (file.name !== "result.json") return false;
        size = file.originalSize;
        return file.originalSize <= MAX_RESULT_BYTES;
      },
    });
  } catch (error) {
    return `the artifact ${artifact} is not a readable zip (${messageOf(error)})`;
  }
  const bytes = files["result.json"];
  if (bytes === undefined) {
    return size === undefined
      ? `the artifact ${artifact} has no result.json`
      : `result.json is not valid: it is ${size} bytes, more than a result ever is`;
  }
  return parseResult(new TextDecoder().decode(bytes));
}

function parseResult(text: string): Result | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `result.json is not valid: it is not JSON (${messageOf(error)})`;
  }
  const parsed = Result.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return `result.json is not valid: ${where}${issue?.message ?? "unknown problem"}`;
}

/** A run that produced no usable result: a crash, with the reason a person reads first. */
export function crashed(reason: string): RunSummary {
  return { status: "crash", reason, metrics: {}, wall_s: 0, exit_code: null, signal: null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
