import { z } from "zod";

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
// Parts may be separated by spaces so that what formatDuration writes (`1h 5m`) reads back.
const WHOLE = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)(?:\s*\d+(?:\.\d+)?(?:ms|s|m|h|d))*$/;
const WORD_UNITS: readonly [RegExp, string][] = [
  [/^(?:ms|msecs?|milliseconds?)$/, "ms"],
  [/^(?:s|secs?|seconds?)$/, "s"],
  [/^(?:m|mins?|minutes?)$/, "m"],
  [/^(?:h|hrs?|hours?)$/, "h"],
  [/^(?:d|days?)$/, "d"],
];

/** Parses `90s`, `5m`, `1h30m`, `250ms` or a bare number of seconds into seconds; `undefined` when malformed. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const [, amount, unit] of s.matchAll(PART))
    total += Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 1);
  return total;
}

/** Formats seconds the way people write them, so parseDuration reads it back: `1h 5m`, `90s`, `2.5s`, `250ms`. */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms > 0 && ms < 1000) return `${ms}ms`;
  const tenths = Number(seconds.toFixed(1));
  if (tenths < 60) return `${tenths}s`;
  // Round once, before splitting, so 119.6 is `2m` and never `1m 60s`.
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].filter(Boolean).join(" ");
}

/** `5 minutes` → `5m`: what the person probably meant by a duration written in words. */
export function suggestDuration(text: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, word] = match;
  const unit = WORD_UNITS.find(([pattern]) => pattern.test((word ?? "").toLowerCase()))?.[1];
  return unit ? `${amount}${unit}` : undefined;
}

function whyNotDuration(value: string | number): string {
  if (String(value).trim().startsWith("-"))
    return "a duration cannot be negative; write e.g. 90s or 5m";
  const suggestion = typeof value === "string" ? suggestDuration(value) : undefined;
  const rule = "a number directly followed by a unit: ms, s, m, h or d";
  return suggestion
    ? `not a duration; write \`${suggestion}\` instead (${rule})`
    : `not a duration; write ${rule}, e.g. 90s, 5m or 1h30m, or a plain number of seconds`;
}

/** A duration in config: `90s`, `5m`, `1h`, or a number of seconds. Parses to seconds. */
export const Duration = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: "custom", message: whyNotDuration(value) });
      return z.NEVER;
    }
    return seconds;
  })
  .meta({
    description:
      "A duration: a number with a unit (ms, s, m, h, d) such as 90s, 5m, 1h30m, or plain seconds.",
  });
