import type { Decision, RunSummary } from "./ledger.ts";
import { improvement, mean, threshold } from "./noise.ts";
import { type Judged, judgedMetric, judgeMetrics } from "./objectives.ts";
import { type Experiment, experiment, type SessionState } from "./session-state.ts";
import type { Settings } from "./settings.ts";

/**
 * The verdict on a finished run. Pure: the same state, run and settings always give the same
 * decision, which the ledger records so that replay never has to decide again.
 */
export function decide(
  state: SessionState,
  id: number,
  run: RunSummary,
  settings: Settings,
): Decision {
  const x = experiment(state, id);
  if (!x) throw new Error(`experiment ${id} was never proposed; record its proposal first`);
  const judged = judgeRun(run, settings);
  if (x.kind === "baseline") {
    return judged.ok || judged.kind === "limit"
      ? {
          target: id,
          outcome: "baseline",
          reason: judged.ok ? "baseline" : `baseline (${judged.reason})`,
          value: judged.value,
        }
      : { target: id, outcome: "crash", reason: `baseline failed: ${judged.reason}` };
  }
  if (x.kind === "confirm")
    return decideConfirmation(state, x, judged.ok ? judged.value : undefined, judged, settings);
  if (!judged.ok && judged.kind === "crash")
    return { target: id, outcome: "crash", reason: judged.reason };
  if (!judged.ok)
    return { target: id, outcome: "discard", reason: judged.reason, value: judged.value };
  const value = judged.value;
  if (settings.confirm > 0) {
    const gate = judge(state, id, value, settings);
    return gate.outcome === "keep"
      ? {
          ...gate,
          outcome: "confirm",
          reason: `${gate.reason}; confirming with ${settings.confirm} more run(s)`,
        }
      : gate;
  }
  return withRatchetCheck(state, x, judge(state, id, value, settings));
}

/** A run's judged value, or why it has none: how it ended first, then what its metrics lack. */
function judgeRun(run: RunSummary, settings: Settings): Judged {
  if (run.status !== "ok") return { ok: false, kind: "crash", reason: run.reason ?? run.status };
  const judged = judgeMetrics(run.metrics, settings);
  // The runner's own wording (e.g. which file to write) says more than the core's.
  if (!judged.ok && judged.kind === "crash" && run.reason) return { ...judged, reason: run.reason };
  return judged;
}

/** keep when the value beats the best by more than the noise gate, otherwise discard. */
function judge(state: SessionState, target: number, value: number, settings: Settings): Decision {
  const best = state.best;
  if (best === undefined)
    return { target, outcome: "discard", reason: "no baseline to compare with", value };
  const gate = threshold(settings.min_delta, settings.noise_sigmas, state.sigma);
  const delta = improvement(value, best, judgedMetric(settings).goal);
  const common = { target, value, best_before: best, delta, threshold: gate };
  if (beats(delta, gate, Math.max(Math.abs(value), Math.abs(best)))) {
    return {
      ...common,
      outcome: "keep",
      best_after: value,
      reason: `beats best by ${fmt(delta)} > ${fmt(gate)}`,
    };
  }
  const reason =
    delta > 0
      ? `better by ${fmt(delta)}, within the noise gate ${fmt(gate)}`
      : `not better (${fmt(delta)})`;
  return { ...common, outcome: "discard", reason };
}

/** A winner proposed against a ratchet head that has since moved is re-based and re-run, never kept blind. */
function withRatchetCheck(state: SessionState, x: Experiment, d: Decision): Decision {
  if (d.outcome !== "keep" || x.parent === state.ratchetSha) return d;
  return {
    ...d,
    outcome: "rebase",
    reason: `${d.reason}, but the ratchet moved since it was proposed; re-basing`,
  };
}

function decideConfirmation(
  state: SessionState,
  run: Experiment,
  value: number | undefined,
  judged: Judged,
  settings: Settings,
): Decision {
  const target = run.of ?? run.id;
  const candidate = experiment(state, target);
  if (!candidate)
    throw new Error(`confirmation run ${run.id} refers to unknown experiment ${target}`);
  // A surplus confirmation (started twice while the first was still being recorded) must not
  // re-judge a settled candidate: it could turn a kept ratchet head into a discard.
  if (candidate.phase !== "awaiting-confirm") {
    return {
      target,
      outcome: "pending",
      reason: `exp-${target} is already judged; confirmation run ${run.id} changes nothing`,
      ...(value === undefined ? {} : { value }),
    };
  }
  if (value === undefined || !judged.ok)
    return {
      target,
      outcome: "discard",
      reason: `confirmation run ${run.id} failed: ${judged.ok ? "no value" : judged.reason}`,
    };
  const values = confirmationValues(state, target, settings);
  values.push(value);
  if (values.length < settings.confirm + 1) {
    return {
      target,
      outcome: "pending",
      reason: `confirmation ${values.length - 1}/${settings.confirm}`,
      value,
    };
  }
  const verdict = judge(state, target, mean(values), settings);
  return withRatchetCheck(state, candidate, {
    ...verdict,
    reason: `mean of ${values.length} runs: ${verdict.reason}`,
  });
}

/**
 * Values of a candidate and its finished confirmation runs so far: judged under `settings`, or
 * read by `valueOf` where there are no settings (a report).
 */
export function confirmationValues(
  state: SessionState,
  target: number,
  by: Settings | ((metrics: Readonly<Record<string, number>>) => number | undefined),
): number[] {
  const read =
    typeof by === "function"
      ? by
      : (metrics: Readonly<Record<string, number>>) => {
          const judged = judgeMetrics(metrics, by);
          return judged.ok ? judged.value : undefined;
        };
  const runs = state.experiments.filter(
    (e) => e && (e.id === target || (e.kind === "confirm" && e.of === target)),
  );
  return runs.flatMap((e) => {
    const v = e?.run?.status === "ok" ? read(e.run.metrics) : undefined;
    return v === undefined ? [] : [v];
  });
}

/**
 * delta > gate, where a difference of floating-point rounding does not count: 0.715 − 0.71 is
 * 0.0050000000000000044, and must not beat a min_delta of 0.005.
 */
function beats(delta: number, gate: number, scale: number): boolean {
  return delta - gate > 1e-9 * Math.max(1, scale);
}

function fmt(n: number): string {
  return Number(n.toPrecision(4)).toString();
}
