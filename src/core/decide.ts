import type { Decision, RunSummary } from "./ledger.ts";
import { improvement, mean, threshold } from "./noise.ts";
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
  const value = run.metrics[settings.metric.name];
  const failed = run.status !== "ok" || value === undefined || !Number.isFinite(value);
  const why = run.reason ?? failureReason(run, value, settings.metric.name);
  if (x.kind === "baseline") {
    return failed
      ? { target: id, outcome: "crash", reason: `baseline failed: ${why}` }
      : { target: id, outcome: "baseline", reason: "baseline", value };
  }
  if (x.kind === "confirm")
    return decideConfirmation(state, x, failed ? undefined : value, why, settings);
  if (failed) return { target: id, outcome: "crash", reason: why };
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

/** keep when the value beats the best by more than the noise gate, otherwise discard. */
function judge(state: SessionState, target: number, value: number, settings: Settings): Decision {
  const best = state.best;
  if (best === undefined)
    return { target, outcome: "discard", reason: "no baseline to compare with", value };
  const gate = threshold(settings.min_delta, settings.noise_sigmas, state.sigma);
  const delta = improvement(value, best, settings.metric.goal);
  const common = { target, value, best_before: best, delta, threshold: gate };
  if (delta > gate) {
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
  why: string,
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
  if (value === undefined)
    return { target, outcome: "discard", reason: `confirmation run ${run.id} failed: ${why}` };
  const values = confirmationValues(state, target, settings.metric.name);
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

/** Metric values of a candidate and its finished confirmation runs so far. */
export function confirmationValues(state: SessionState, target: number, metric: string): number[] {
  const runs = state.experiments.filter(
    (e) => e && (e.id === target || (e.kind === "confirm" && e.of === target)),
  );
  return runs.flatMap((e) => {
    const v = e.run?.status === "ok" ? e.run.metrics[metric] : undefined;
    return v === undefined ? [] : [v];
  });
}

/** Why a run without its own `reason` failed: how it ended first, then what its metric lacked. */
function failureReason(run: RunSummary, value: number | undefined, metric: string): string {
  if (run.status !== "ok") return run.status;
  return value === undefined
    ? `no ${metric} reported`
    : `${metric} is not a finite number (${value})`;
}

function fmt(n: number): string {
  return Number(n.toPrecision(4)).toString();
}
