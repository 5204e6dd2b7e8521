import { z } from "zod";
import { Config } from "./config.ts";

/**
 * One line a person could paste for each key, shown as the fix in error messages. Keys are dotted
 * paths without list indices (`objectives.name`); test/config checks every schema key has one.
 */
const EXAMPLES: Readonly<Record<string, string>> = {
  version: "version: 1",
  mode: "mode: train",
  program: "program: program.md",
  editable: "editable: [train.py]",
  locked: "locked: [prepare.py]",
  run: "run: { command: python train.py, budget: 5m }",
  "run.command": "command: python train.py",
  "run.budget": "budget: 5m",
  "run.grace": "grace: 1m",
  "run.evaluate": "evaluate: python prepare.py --evaluate",
  "run.env": 'env: { CUDA_VISIBLE_DEVICES: "0" }',
  "run.pass_env": "pass_env: [HF_TOKEN]",
  "run.log_limit": "log_limit: 8388608",
  "run.out_limit": "out_limit: 512MiB",
  sandbox: "sandbox: { containment: auto, network: false }",
  "sandbox.containment": "containment: bubblewrap",
  "sandbox.network": "network: false",
  "sandbox.read_only": "read_only: [~/.cache/huggingface]",
  "sandbox.hide": "hide: [/srv/secrets]",
  "sandbox.gpus": "gpus: auto",
  "sandbox.gpus_per_experiment": "gpus_per_experiment: 1",
  "sandbox.share_gpus": "share_gpus: false",
  data: "data: [{ path: data/val.bin, phases: [evaluate] }]",
  "data.path": "path: ~/.cache/mydata/val.bin",
  "data.phases": "phases: [evaluate]",
  metric: "metric: { name: val_bpb, goal: minimize }",
  "metric.name": "name: val_bpb",
  "metric.goal": "goal: minimize",
  objectives: "objectives: [{ name: latency_ms, goal: minimize }]",
  "objectives.name": "name: latency_ms",
  "objectives.goal": "goal: minimize",
  "objectives.limit": "limit: 2500",
  ratchet: "ratchet: { min_delta: 0.001, baseline_repeats: 3 }",
  "ratchet.rule": "rule: primary",
  "ratchet.weights": "weights: { accuracy: 1, context_tokens: 0.0001 }",
  "ratchet.min_delta": "min_delta: 0.001",
  "ratchet.baseline_repeats": "baseline_repeats: 3",
  "ratchet.noise_sigmas": "noise_sigmas: 2",
  "ratchet.confirm": "confirm: 1",
  session: "session: { max_experiments: 100, max_hours: 12 }",
  "session.max_experiments": "max_experiments: 100",
  "session.max_hours": "max_hours: 12",
  "session.parallel": "parallel: 1",
  "session.propose_ahead": "propose_ahead: auto",
  "session.plateau": "plateau: 20",
  "session.seed": "seed: 0",
  proposer: "proposer: { kind: search }",
  "proposer.kind": "kind: search",
  "proposer.max_changes": "max_changes: 2",
  "proposer.model": "model: gpt-4o-mini",
  "proposer.base_url": "base_url: https://api.openai.com/v1",
  "proposer.api_key_env": "api_key_env: OPENAI_API_KEY",
  "proposer.temperature": "temperature: 0.7",
  "proposer.max_tokens_per_proposal": "max_tokens_per_proposal: 20000",
  "proposer.max_tokens_per_session": "max_tokens_per_session: 2000000",
  "proposer.max_output_tokens": "max_output_tokens: 4096",
  "proposer.prompt_tokens": "prompt_tokens: 24000",
  "proposer.max_tool_calls": "max_tool_calls: 30",
  "proposer.max_attempts": "max_attempts: 3",
  "proposer.timeout": "timeout: 10m",
  "proposer.precheck": "precheck: python3 -m py_compile train.py",
  runner: "runner: { workflow: autoopt-experiment.yml }",
  "runner.workflow": "workflow: autoopt-experiment.yml",
  "runner.runs_on": "runs_on: [self-hosted, gpu]",
  "runner.action": "action: autoopt/autoopt@v1",
  "runner.retention_days": "retention_days: 30",
  promotion: "promotion: { heldout: python prepare.py --split test }",
  "promotion.heldout": "heldout: python prepare.py --split test",
};

/** A pasteable example for the key at `path`, if there is one. */
export function exampleFor(path: readonly PropertyKey[]): string | undefined {
  return EXAMPLES[path.filter((p) => typeof p === "string").join(".")];
}

/** `objectives[1].name`: the key as a person finds it in the file. */
export function formatKey(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : `${out ? "." : ""}${String(part)}`;
  }
  return out || "(top level)";
}

/** The last named key of a path: `command` for `run.command`. */
export function leafName(path: readonly PropertyKey[]): string {
  const names = path.filter((p) => typeof p === "string");
  return names.at(-1) ?? "";
}

export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** A value as it appears in an error: JSON, so text is quoted and `[]` or `null` are visible. */
export function show(value: unknown): string {
  if (value === undefined) return "(nothing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Node = z.core.$ZodType;

function unwrap(node: Node): Node[] {
  if (
    node instanceof z.ZodDefault ||
    node instanceof z.ZodPrefault ||
    node instanceof z.ZodOptional ||
    node instanceof z.ZodNullable
  ) {
    return unwrap(node.unwrap());
  }
  if (node instanceof z.ZodPipe) return unwrap(node.in);
  if (node instanceof z.ZodUnion) return node.options.flatMap(unwrap);
  return [node];
}

function children(node: Node, part: PropertyKey): Node[] {
  if (node instanceof z.ZodObject && typeof part === "string") {
    const child = node.shape[part];
    return child ? [child] : [];
  }
  if (node instanceof z.ZodArray && typeof part === "number") return [node.element];
  if (node instanceof z.ZodRecord) return [node.valueType];
  return [];
}

/** The object schemas that may sit at `path` in autoopt.yml: several for a union (`proposer`). */
export function objectsAt(path: readonly PropertyKey[]): z.ZodObject[] {
  let nodes = unwrap(Config);
  for (const part of path) nodes = nodes.flatMap((n) => children(n, part)).flatMap(unwrap);
  return nodes.filter((n): n is z.ZodObject => n instanceof z.ZodObject);
}

/** `kind: llm`: the fixed (literal) keys that tell one variant of a union from another. */
export function describeVariant(object: z.ZodObject): string {
  return Object.entries(object.shape)
    .flatMap(([k, s]) => (s instanceof z.ZodLiteral ? [`${k}: ${String(s.value)}`] : []))
    .join(", ");
}

/** Whether the written mapping `written` fits the fixed (literal) keys of `object`. */
export function fitsVariant(object: z.ZodObject, written: unknown): boolean {
  return Object.entries(object.shape).every(
    ([k, s]) => !(s instanceof z.ZodLiteral) || s.safeParse(valueAt(written, [k])).success,
  );
}

/** The allowed word nearest to `word` (a likely typo), if one is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
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
      const substitution = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, substitution);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
