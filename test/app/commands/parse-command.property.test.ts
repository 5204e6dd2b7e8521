import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../../../src/app/commands/command.ts";
import { parseCommand } from "../../../src/app/commands/parse-command.ts";
import { formatDuration } from "../../../src/config/duration.ts";

const start = fc
  .record(
    {
      mode: fc.constantFrom("train" as const, "harness" as const),
      budget_s: fc.integer({ min: 1, max: 3 * 86_400 }),
      max_experiments: fc.integer({ min: 1, max: 1_000_000 }),
      parallel: fc.integer({ min: 1, max: 64 }),
    },
    { requiredKeys: [] },
  )
  .map((options): Command => ({ name: "start", ...options }));

const command: fc.Arbitrary<Command> = fc.oneof(
  start,
  fc.constantFrom("stop", "status", "promote", "help").map((name): Command => ({ name })),
);

const blank = fc.stringMatching(/^[ \t]{1,3}$/);

/** A word written so that a shell would read it back as `word`, in one of several ways. */
function quoted(word: string): fc.Arbitrary<string> {
  const ways = [
    fc.constant(`'${word}'`),
    fc.constant(`"${word.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`),
    fc.constant(word.replace(/[\s'"\\]/g, (c) => `\\${c}`)),
  ];
  if (!/[\s'"\\]/.test(word)) ways.push(fc.constant(word));
  return fc.oneof(...ways);
}

/** Ways of writing a number of seconds that parseDuration reads back exactly. */
function duration(seconds: number): fc.Arbitrary<string> {
  const ways = [formatDuration(seconds), `${seconds}s`, `${seconds}`];
  if (seconds % 3600 === 0) ways.push(`${seconds / 3600}h`);
  if (seconds % 60 === 0) ways.push(`${seconds / 60}m`);
  return fc.constantFrom(...ways);
}

function option(flag: string, value: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc
    .tuple(value, fc.boolean(), blank)
    .chain(([v, equals, gap]) =>
      equals
        ? quoted(`--${flag}=${v}`).map((w) => [w])
        : fc.tuple(quoted(`--${flag}`), quoted(v)).map(([f, q]) => [`${f}${gap}${q}`]),
    );
}

/** A comment holding the command: noise before and after, random spacing, order and quoting. */
function rendered(c: Command): fc.Arbitrary<string> {
  const parts: fc.Arbitrary<string[]>[] = [];
  if (c.name === "start") {
    if (c.mode !== undefined) parts.push(option("mode", fc.constant(c.mode)));
    if (c.budget_s !== undefined) parts.push(option("budget", duration(c.budget_s)));
    if (c.max_experiments !== undefined)
      parts.push(option("max-experiments", fc.constant(String(c.max_experiments))));
    if (c.parallel !== undefined) parts.push(option("parallel", fc.constant(String(c.parallel))));
  }
  const name = c.name === "help" ? fc.constantFrom("help", "") : quoted(c.name);
  return fc
    .tuple(
      name,
      fc.tuple(...parts).chain((ps) => fc.shuffledSubarray(ps, { minLength: ps.length })),
      fc.array(blank, { minLength: parts.length + 2, maxLength: parts.length + 2 }),
      fc.constantFrom("", "Please run this:\n", "> quoted\n\n", "```\n/autoopt stop\n```\n"),
      fc.constantFrom("", "\nthanks!", "\n/autoopt stop"),
    )
    .map(([n, options, gaps, before, after]) => {
      const words = [n, ...options.flat()];
      const line = words.map((w, i) => `${gaps[i] ?? " "}${w}`).join("");
      return `${before}${gaps.at(-1) ?? ""}/autoopt${line}${after}`;
    });
}

describe("parseCommand properties", () => {
  it("never throws, and always answers a command or a non-empty error", () => {
    const tricky = fc.string({
      unit: fc.constantFrom(..." \t\n'\"\\=-/autoptsrbdgemxil0123456789`|"),
      maxLength: 60,
    });
    const body = fc.oneof(
      fc.string({ unit: "binary" }),
      tricky,
      tricky.map((s) => `/autoopt ${s}`),
      tricky.map((s) => `/autoopt start ${s}`),
    );
    fc.assert(
      fc.property(body, (text) => {
        const parsed = parseCommand(text);
        if (parsed !== undefined && !parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back every valid command however it is written", () => {
    fc.assert(
      fc.property(
        command.chain((c) => fc.tuple(fc.constant(c), rendered(c))),
        ([c, text]) => {
          expect(parseCommand(text)).toEqual({ ok: true, command: c });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
