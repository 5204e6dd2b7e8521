import { z } from "zod";

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** Parses `90s`, `5m`, `1h30m`, `250ms` or a bare number of seconds into seconds; `undefined` when malformed. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const [, amount, unit] of s.matchAll(PART)) total += Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 1);
  return total;
}

/** Formats seconds the way people write them: `1h 5m`, `90s`, `2.5s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].filter(Boolean).join(" ");
}

/** A duration in config: `90s`, `5m`, `1h`, or a number of seconds. Parses to seconds. */
export const Duration = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration; write a number with a unit, e.g. 90s, 5m, 1h or 1h30m`,
      });
      return z.NEVER;
    }
    return seconds;
  })
  .meta({
    description: "A duration: a number with a unit (ms, s, m, h, d) such as 90s, 5m, 1h30m, or plain seconds.",
  });
