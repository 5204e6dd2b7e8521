import type { z } from "zod";
import { PROPOSAL_LIMITS } from "./edits.ts";

type Issue = z.core.$ZodIssue;
type Key = readonly PropertyKey[];

const WHAT: Record<string, string> = {
  description: 'a one-line summary of the change, e.g. "MATRIX_LR 0.04 → 0.05"',
  hypothesis: "why you expect the change to improve the metric",
  edits: 'a list of edits, each {"path", "search", "replace"} or {"path", "content"}',
  path: 'the file\'s path relative to the repository root, e.g. "train.py"',
  search: "lines copied exactly from the file",
  replace: "the text that takes the place of search (it may be empty)",
  content: "the complete new text of the file",
};

const EDIT_KINDS =
  'give either "search" and "replace" (to change part of a file) or "content" (to set the whole file)';

/**
 * Turns zod's issues with `submit_proposal`'s arguments into sentences the model can act on:
 * which field, what is wrong, what to send instead. zod's own wording never comes out.
 */
export function describeIssues(issues: readonly Issue[], raw: unknown, prefix: Key = []): string[] {
  const sentences = issues.flatMap((issue) =>
    describeIssue(issue, raw, [...prefix, ...issue.path]),
  );
  return [...new Set(sentences)];
}

function describeIssue(issue: Issue, raw: unknown, at: Key): string[] {
  const value = valueAt(raw, at);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => describeUnknownKey(at, k, raw));
    case "invalid_union":
      return describeEdit(issue.errors, raw, at);
    case "invalid_type":
      if (value === undefined) return [`${formatKey(at)} is missing; add it: ${what(at)}.`];
      return [
        `${formatKey(at)} is ${typeName(value)}, but it must be ${expected(issue.expected)}: ${what(at)}.`,
      ];
    case "too_small":
    case "too_big":
      return [describeSize(at, value, issue.code === "too_small")];
    case "invalid_format":
      return [describeFormat(at)];
    default:
      return [`${formatKey(at)} is not valid; it must be ${what(at)}.`];
  }
}

/** An entry of `edits` that fits neither kind of edit: find the kind it meant, then say why. */
function describeEdit(branches: Issue[][], raw: unknown, at: Key): string[] {
  const edit = valueAt(raw, at);
  const key = formatKey(at);
  if (!isRecord(edit)) {
    return [`${key} is ${typeName(edit)}, but each edit must be an object; ${EDIT_KINDS}.`];
  }
  const partial = Object.hasOwn(edit, "search") || Object.hasOwn(edit, "replace");
  const whole = Object.hasOwn(edit, "content");
  if (mixesKinds(edit)) return [`${key} mixes both kinds of edit; ${EDIT_KINDS}, not both.`];
  const branch = (whole ? branches[1] : branches[0]) ?? [];
  if (partial || whole) return describeIssues(branch, raw, at);
  const pathIssues = branch.filter((i) => i.path[0] === "path");
  return [`${key} has no "search", "replace" or "content"; ${EDIT_KINDS}.`].concat(
    describeIssues(pathIssues, raw, at),
  );
}

function mixesKinds(edit: Record<string, unknown>): boolean {
  const has = (k: string) => Object.hasOwn(edit, k);
  return has("content") && (has("search") || has("replace"));
}

function describeUnknownKey(at: Key, k: string, raw: unknown): string {
  const object = valueAt(raw, at);
  const inEdit = at[0] === "edits";
  if (inEdit && isRecord(object) && mixesKinds(object)) {
    return `${formatKey(at)} mixes both kinds of edit; ${EDIT_KINDS}, not both.`;
  }
  const allowed = inEdit
    ? '"path", "search", "replace" (or "path", "content" for a whole file)'
    : '"description", "hypothesis", "edits"';
  const where = at.length > 0 ? `${formatKey(at)} has` : "the arguments have";
  return `${where} an unknown key ${JSON.stringify(k)}; remove it — the allowed keys are ${allowed}.`;
}

function describeSize(at: Key, value: unknown, small: boolean): string {
  const key = formatKey(at);
  const name = String(at.at(-1));
  if (name === "edits") {
    const { max } = PROPOSAL_LIMITS.edits;
    return small
      ? `${key} is empty; give at least one edit.`
      : `${key} has ${lengthOf(value)} edits, but at most ${max} are allowed; propose a smaller change.`;
  }
  const limits = name in PROPOSAL_LIMITS ? PROPOSAL_LIMITS[name as "description"] : undefined;
  const range = limits ? ` it must be ${limits.min} to ${limits.max} characters long` : "";
  const tip = name === "description" && !small ? " (put the details in hypothesis)" : "";
  if (small && lengthOf(value) === 0) return `${key} is empty; write ${what(at)}.`;
  return `${key} is too ${small ? "short" : "long"} (${lengthOf(value)} characters);${range}${tip}.`;
}

function describeFormat(at: Key): string {
  const key = formatKey(at);
  const name = String(at.at(-1));
  if (name === "description") {
    return `${key} spans several lines; write it on one line and put the details in hypothesis.`;
  }
  if (name === "search") {
    return `${key} is blank; copy at least one non-blank line of the file into it.`;
  }
  return `${key} has the wrong form; it must be ${what(at)}.`;
}

/** `["edits", 2, "search"]` → `edits[2].search`. */
export function formatKey(at: Key): string {
  if (at.length === 0) return "the arguments";
  return at
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

function what(at: Key): string {
  return WHAT[String(at.at(-1))] ?? "another kind of value";
}

function expected(kind: string): string {
  const words: Record<string, string> = { string: "text", array: "a list", object: "an object" };
  return words[kind] ?? `a ${kind}`;
}

function valueAt(raw: unknown, at: Key): unknown {
  let value = raw;
  for (const k of at) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, k)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[k];
  }
  return value;
}

function lengthOf(value: unknown): number {
  return typeof value === "string" || Array.isArray(value) ? value.length : 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return `${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
