import type { z } from "zod";

/** Turns one zod issue into a sentence: where, the bad value, what is allowed, how to fix. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.map(String).join(".") || "(top level)";
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((k) => {
          const where = [...issue.path.map(String), k].join(".");
          const known = knownKeysNear(issue);
          const guess = closest(k, known);
          return `unknown key \`${where}\`${guess ? `; did you mean \`${guess}\`?` : ""} — remove it or correct the spelling`;
        })
        .join("\n  - ");
    case "invalid_value":
      return `${key}: ${show(value)} is not allowed; use one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "invalid_union":
      if (issue.path.at(-1) === "proposer" || key === "proposer") {
        return `${key}: ${show(value)} is not a proposer; use \`kind: search\` (offline) or \`kind: llm\` with a \`model\``;
      }
      return `${key}: ${show(value)} does not fit any allowed form — ${issue.message}`;
    case "invalid_type":
      if (value === undefined) return `${key} is missing; add it (${expected(issue.expected)})`;
      return `${key}: ${show(value)} is a ${typeName(value)}, but ${expected(issue.expected)} is needed`;
    case "too_small":
    case "too_big":
      return `${key}: ${show(value)} — ${issue.message}; change the value`;
    default:
      return `${key}: ${show(value)} — ${issue.message}`;
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function show(value: unknown): string {
  if (value === undefined) return "(nothing)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "null";
  return typeof value === "object" ? "mapping" : typeof value;
}

function expected(kind: string): string {
  const words: Record<string, string> = {
    string: "a text value",
    number: "a number",
    array: "a list",
    object: "a mapping of keys",
    boolean: "true or false",
  };
  return words[kind] ?? `a value of type ${kind}`;
}

const KNOWN_KEYS: Record<string, string[]> = {
  "": [
    "version", "mode", "program", "editable", "locked", "run", "metric", "objectives",
    "ratchet", "session", "proposer", "runner", "promotion",
  ],
  run: ["command", "budget", "grace", "evaluate", "env", "pass_env", "log_limit"],
  ratchet: ["min_delta", "baseline_repeats", "noise_sigmas", "confirm"],
  session: ["max_experiments", "max_hours", "parallel", "plateau", "seed"],
  metric: ["name", "goal"],
  proposer: [
    "kind", "max_changes", "model", "base_url", "api_key_env", "temperature",
    "max_tokens_per_proposal", "max_tokens_per_session",
  ],
  runner: ["workflow"],
  promotion: ["heldout"],
};

function knownKeysNear(issue: z.core.$ZodIssue): string[] {
  const section = issue.path.filter((p) => typeof p === "string").join(".");
  return KNOWN_KEYS[section] ?? [];
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
