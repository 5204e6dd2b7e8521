import type { Config } from "../config/index.ts";

/**
 * Entries of autoopt.yml that decide what a candidate may touch, how it is run and judged, and
 * what contains it. A session resumes only while these are as they were when it started: a run
 * can rewrite the user's autoopt.yml (drop `locked` or `run.evaluate`), and a resume that took
 * the new file would then judge later candidates by rules the candidate chose.
 */
export const SAFETY_KEYS = [
  "mode",
  "program",
  "editable",
  "locked",
  "run.command",
  "run.evaluate",
  "run.grace",
  "run.out_limit",
  "metric",
  "objectives",
  "ratchet.rule",
  "ratchet.weights",
  "data",
  "sandbox",
  "promotion.heldout",
  "proposer.kind",
  "proposer.precheck",
] as const;

/** One entry that differs between two configs, its values as JSON (`absent` when unset). */
export interface ConfigChange {
  key: string;
  from: string;
  to: string;
}

/** The safety entries that differ between the config a session recorded and another one. */
export function safetyChanges(recorded: Config, current: Config): ConfigChange[] {
  return changes(recorded, current, SAFETY_KEYS);
}

/** The top-level entries besides the safety ones that differ (kept from the recording). */
export function otherChanges(recorded: Config, current: Config): string[] {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(current)]);
  const safety = new Set<string>(SAFETY_KEYS);
  const nested = (k: string) => SAFETY_KEYS.some((s) => s.startsWith(`${k}.`));
  const candidates: string[] = [];
  for (const key of keys) {
    if (safety.has(key)) continue;
    const sub = nested(key) ? subKeys(recorded, current, key) : [key];
    candidates.push(...sub.filter((k) => !safety.has(k)));
  }
  return changes(recorded, current, candidates).map((c) => c.key);
}

/** `locked: ["prepare.py"] → []`, one line per change. */
export function describeChanges(list: readonly ConfigChange[]): string {
  return list.map((c) => `${c.key}: ${c.from} → ${c.to}`).join("; ");
}

function changes(a: Config, b: Config, keys: readonly string[]): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const key of keys) {
    const from = show(at(a, key));
    const to = show(at(b, key));
    if (from !== to) out.push({ key, from, to });
  }
  return out;
}

function subKeys(a: Config, b: Config, key: string): string[] {
  const names = new Set([...Object.keys(record(at(a, key))), ...Object.keys(record(at(b, key)))]);
  return [...names].map((n) => `${key}.${n}`);
}

function at(config: Config, key: string): unknown {
  let value: unknown = config;
  for (const part of key.split(".")) value = record(value)[part];
  return value;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** JSON with object keys sorted, so that the same value always reads the same. */
function show(value: unknown): string {
  if (value === undefined) return "absent";
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
