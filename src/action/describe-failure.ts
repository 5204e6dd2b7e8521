import { ActionError } from "./action-error.ts";

/**
 * The message the failed job shows. An ActionError already says what to fix; anything else is
 * unexpected, so its chain of causes is shown too.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof ActionError) return error.message;
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    // Wrappers often quote their cause already; say each thing once.
    if (!lines.some((line) => line.includes(message))) {
      lines.push(depth === 0 ? message : `caused by: ${message}`);
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join("\n");
}
