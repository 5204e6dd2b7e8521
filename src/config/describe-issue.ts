import type { z } from "zod";
import {
  closest,
  describeVariant,
  exampleFor,
  fitsVariant,
  formatKey,
  leafName,
  objectsAt,
  show,
  valueAt,
} from "./key-hints.ts";

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into sentences for the person fixing the file: the key, the bad value,
 * what is allowed, and what to write instead. zod's own wording never reaches the user.
 */
export function describeIssues(issues: readonly Issue[], raw: unknown): string[] {
  const misspelt = misspeltKeys(issues);
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => describeUnknownKey(issue.path, k, raw));
    }
    // `comand: x` already gets "did you mean `command`?"; "command is missing" would only confuse.
    const missing = valueAt(raw, issue.path) === undefined;
    return missing && misspelt.has(formatKey(issue.path)) ? [] : [describeIssue(issue, raw)];
  });
}

/** The keys (`run.command`) that an unknown key next to them is probably a misspelling of. */
function misspeltKeys(issues: readonly Issue[]): Set<string> {
  const keys = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const allowed = objectsAt(issue.path).flatMap((o) => Object.keys(o.shape));
    for (const k of issue.keys) {
      const guess = closest(k, allowed);
      if (guess) keys.add(formatKey([...issue.path, guess]));
    }
  }
  return keys;
}

function describeIssue(issue: Issue, raw: unknown): string {
  const key = formatKey(issue.path);
  const value = valueAt(raw, issue.path);
  const eg = withExample(issue.path);
  if (value === undefined && issue.code !== "invalid_key") return describeMissing(issue, raw);
  if (value === null) return `${key} is empty; give it a value${eg}`;
  switch (issue.code) {
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const name = leafName(issue.path);
      if (allowed.length === 1) {
        return `${key}: ${show(value)} is not allowed; the only allowed value is ${allowed[0]} — write \`${name}: ${allowed[0]}\``;
      }
      const guess = typeof value === "string" ? closest(value, allowed) : undefined;
      const tip = guess ? `did you mean \`${name}: ${guess}\`?` : `e.g. \`${name}: ${allowed[0]}\``;
      return `${key}: ${show(value)} is not allowed; use one of ${allowed.join(", ")} — ${tip}`;
    }
    case "invalid_union":
      if (issue.discriminator !== undefined) return describeBadVariant(issue, raw);
      return `${key}: ${show(value)} is ${typeName(value)}, but ${unionExpects(issue)} is needed${eg}`;
    case "invalid_type":
      return describeWrongType(issue.path, issue.expected, value);
    case "too_small":
    case "too_big":
      return describeOutOfRange(issue, value);
    case "invalid_format":
      if (issue.format === "url") {
        return `${key}: ${show(value)} is not a URL; write the full address starting with https:// or http://${eg}`;
      }
      return `${key}: ${show(value)} is not allowed: ${issue.message}${eg}`;
    case "invalid_key": {
      const rule = issue.issues.map((i) => i.message).join("; ");
      const bad = String(issue.path.at(-1));
      const where = formatKey(issue.path.slice(0, -1));
      return `${where}: the name \`${bad}\` is not allowed (${rule}); rename it, e.g. to \`${safeName(bad)}\``;
    }
    case "custom":
      return `${key}: ${show(value)} — ${issue.message}`;
    default:
      return `${key}: ${show(value)} — ${issue.message}${eg}`;
  }
}

function describeMissing(issue: Issue, raw: unknown): string {
  const key = formatKey(issue.path);
  if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
    return describeBadVariant(issue, raw);
  }
  const parent = issue.path.slice(0, -1);
  const under = parent.length > 0 ? ` under \`${formatKey(parent)}:\`` : "";
  const example = exampleFor(issue.path);
  if (example) return `${key} is missing; add it${under}, e.g. \`${example}\``;
  if (issue.code === "invalid_value") {
    const first = String(issue.values[0]);
    return `${key} is missing; add it${under}: \`${leafName(issue.path)}: ${first}\``;
  }
  return `${key} is missing; add it${under}`;
}

/** `proposer: { kind: gpt }` — the key that picks a variant has a value no variant takes. */
function describeBadVariant(issue: z.core.$ZodIssueInvalidUnion, raw: unknown): string {
  const objects = objectsAt(issue.path.slice(0, -1));
  const choices = objects.map((o) => `\`${describeVariant(o)}\``).join(" or ");
  const key = formatKey(issue.path);
  const value = valueAt(raw, issue.path);
  const hint =
    leafName(issue.path) === "kind" && issue.path[0] === "proposer"
      ? " (`kind: search` works offline; `kind: llm` asks a chat model and also needs `model:`, e.g. `model: gpt-4o-mini`)"
      : "";
  if (value === undefined) return `${key} is missing; add ${choices}${hint}`;
  return `${key}: ${show(value)} is not allowed; use ${choices}${hint}`;
}

function describeUnknownKey(path: readonly PropertyKey[], k: string, raw: unknown): string {
  const where = formatKey([...path, k]);
  const shown = show(valueAt(raw, [...path, k]));
  const objects = objectsAt(path);
  const written = valueAt(raw, path);
  const fitting = objects.length > 1 ? objects.filter((o) => fitsVariant(o, written)) : objects;
  const current = fitting.length > 0 ? fitting : objects;
  const other = objects.find((o) => !current.includes(o) && k in o.shape);
  const mine = current[0];
  if (other && mine && current.length === 1) {
    return `\`${where}\` (set to ${shown}) is not used with \`${describeVariant(mine)}\`, only with \`${describeVariant(other)}\`; remove it, or switch to \`${describeVariant(other)}\``;
  }
  const allowed = [...new Set(current.flatMap((o) => Object.keys(o.shape)))];
  const guess = closest(k, allowed);
  if (guess) {
    return `unknown key \`${where}\` (set to ${shown}); did you mean \`${guess}\`? — rename it to \`${guess}\``;
  }
  const scope = path.length > 0 ? `under \`${formatKey(path)}\`` : "at the top level";
  return `unknown key \`${where}\` (set to ${shown}) — remove it; the keys allowed ${scope} are ${allowed.join(", ")}`;
}

function describeWrongType(path: readonly PropertyKey[], expects: string, value: unknown): string {
  const key = formatKey(path);
  const name = leafName(path);
  const stated = `${key}: ${show(value)} is ${typeName(value)}`;
  if (expects === "array" && !Array.isArray(value) && typeof value !== "object") {
    return `${stated}, but a list is needed — write \`${name}: [${String(value)}]\``;
  }
  if (expects === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `${stated}, but text is needed — quote it: \`${name}: "${String(value)}"\``;
  }
  if (expects === "int" && typeof value === "number") {
    return `${key}: ${show(value)} is not a whole number; use one${withExample(path)}`;
  }
  return `${stated}, but ${expectedWords(expects)} is needed${withExample(path)}`;
}

function describeOutOfRange(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
): string {
  const key = formatKey(issue.path);
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  if (small && bound <= 1 && (issue.origin === "array" || issue.origin === "string")) {
    const what = issue.origin === "array" ? "list at least one item" : "write something";
    return `${key}: ${show(value)} is empty; ${what}${withExample(issue.path)}`;
  }
  const inclusive = issue.inclusive !== false;
  const limit = small
    ? `${inclusive ? "at least" : "more than"} ${bound}`
    : `${inclusive ? "at most" : "less than"} ${bound}`;
  const fix =
    issue.origin === "number" && inclusive
      ? ` — e.g. \`${leafName(issue.path)}: ${bound}\``
      : withExample(issue.path);
  const measure = issue.origin === "number" ? "" : ` (${issue.origin} length)`;
  return `${key}: ${show(value)} is too ${small ? "small" : "big"}${measure}; use ${limit}${fix}`;
}

function withExample(path: readonly PropertyKey[]): string {
  const example = exampleFor(path);
  return example ? `, e.g. \`${example}\`` : "";
}

function unionExpects(issue: z.core.$ZodIssueInvalidUnion): string {
  const kinds = issue.errors.flatMap((branch) =>
    branch.flatMap((i) => (i.code === "invalid_type" ? [expectedWords(i.expected)] : [])),
  );
  return kinds.length > 0 ? [...new Set(kinds)].join(" or ") : "another kind of value";
}

/** A key name a record accepts, made from a rejected one: `a-b` → `a_b`. */
function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned || "NAME";
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "empty";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return "true/false";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

function expectedWords(kind: string): string {
  const words: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    array: "a list",
    object: "a mapping of keys",
    boolean: "true or false",
  };
  return words[kind] ?? `a value of type ${kind}`;
}
