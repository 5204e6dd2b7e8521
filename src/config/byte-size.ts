import { z } from "zod";

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i;

/** Parses `512MiB`, `2GB`, `100 kb` or a bare number of bytes; `undefined` when malformed. */
export function parseByteSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : undefined;
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * (UNIT_BYTES[(unit ?? "b").toLowerCase()] ?? 1));
}

/** Bytes the way people write them: `512 MiB`, `1.5 GiB`, `900 B`. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ["TiB", 2 ** 40],
    ["GiB", 2 ** 30],
    ["MiB", 2 ** 20],
    ["KiB", 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}

/** A size in config: `512MiB`, `2GB`, or a number of bytes. Parses to bytes. */
export const ByteSize = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "not a size; write a number with a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. 512MiB or 2GB, or a plain number of bytes",
      });
      return z.NEVER;
    }
    return bytes;
  })
  .meta({
    description: "A size: a number with a unit (KB, MB, GB, KiB, MiB, GiB) or plain bytes.",
  });
