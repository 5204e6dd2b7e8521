/** What a secret's value is replaced with, wherever autoopt writes or sends text. */
export const REDACTED = "[redacted]";

/** Replaces every secret in a text; `secrets` are the values it replaces, longest first. */
export interface Redactor {
  (text: string): string;
  readonly secrets: readonly string[];
}

/**
 * A redactor for these values. Plain substring replacement, longest value first, so a value that
 * holds another is replaced whole and no part of the longer one is left behind.
 */
export function redactor(values: readonly string[]): Redactor {
  const secrets = [...new Set(values.filter((v) => v.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out;
  };
  return Object.assign(redact, { secrets });
}

/** The redactor with nothing to hide. */
export const noRedaction: Redactor = redactor([]);
