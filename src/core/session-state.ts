import type {
  Decision,
  Dispatched,
  ExperimentKind,
  HeldoutLabel,
  HeldoutRecorded,
  LedgerEvent,
  MetaUpdated,
  RunSummary,
} from "./ledger.ts";
import { mean, stdev } from "./noise.ts";
import type { ObjectiveSpec } from "./settings.ts";

/** Where an experiment stands: `running` until finished; `final` once its verdict is in. */
export type Phase = "running" | "interrupted" | "awaiting-confirm" | "awaiting-rebase" | "final";

export interface Experiment {
  id: number;
  kind: ExperimentKind;
  sha: string;
  parent: string;
  of?: number;
  description: string;
  hypothesis?: string;
  changes?: unknown;
  filesHash?: string;
  phase: Phase;
  run?: RunSummary;
  /** The verdict about this experiment (for confirm runs: the verdict they produced). */
  decision?: Decision;
  /** Final outcome for results.tsv: baseline, keep, discard or crash. */
  outcome?: "baseline" | "keep" | "discard" | "crash";
  proposedAt: string;
  finishedAt?: string;
  /** The run that executes it, where runs have ids (GitHub Actions). */
  dispatch?: { runId: number; runUrl: string; apiRequests?: number };
}

/** What the ledger says about a session besides its experiments (see the `meta` event). */
export interface SessionMeta {
  issue?: number;
  defaultBranch?: string;
  config?: unknown;
  statusCommentId?: number;
  promotionPr?: number;
  closed?: boolean;
  apiRequests?: number;
}

/** The latest held-out record of one commit (see the `heldout` event). */
export interface HeldoutRecord {
  sha: string;
  status: "dispatched" | "ok" | "failed";
  at: string;
  runId?: number;
  runUrl?: string;
  metrics?: Record<string, number>;
  error?: string;
}

export interface SessionState {
  session: string;
  /** What the ratchet judges by: the metric, or `score` under a weighted rule. */
  metric: { name: string; goal: "minimize" | "maximize" };
  /** Every objective of a harness session, the config's metric first; empty in train mode. */
  objectives: ObjectiveSpec[];
  startedAt: string;
  baseSha: string;
  ratchetSha: string;
  experiments: Experiment[];
  best?: number;
  /** Metric values of the ok baseline runs; their spread is the noise floor σ. */
  baselineValues: number[];
  sigma: number;
  stopped?: string;
  /** Tokens spent by proposers over the whole session. */
  tokensUsed: number;
  /** Proposals in a row that failed without producing a candidate, and the last reason. */
  failedProposals: { count: number; lastReason?: string };
  /** Milliseconds the session has been active, not counting time while nothing ran it. */
  activeMs: number;
  lastEventAt: string;
  meta: SessionMeta;
  /** Notes recorded, oldest first. */
  notes: string[];
  /**
   * Held-out evaluations for the promotion, latest record per label. Never part of
   * `experiments`: proposers read those, and must never see a held-out number.
   */
  heldout: Partial<Record<HeldoutLabel, HeldoutRecord>>;
}

export function emptyState(): SessionState {
  return {
    session: "",
    metric: { name: "", goal: "minimize" },
    objectives: [],
    startedAt: "",
    baseSha: "",
    ratchetSha: "",
    experiments: [],
    baselineValues: [],
    sigma: 0,
    tokensUsed: 0,
    failedProposals: { count: 0 },
    activeMs: 0,
    lastEventAt: "",
    meta: {},
    notes: [],
    heldout: {},
  };
}

/** Rebuilds a session's state from its ledger; the same events always give the same state. */
export function replay(events: readonly LedgerEvent[]): SessionState {
  const state = emptyState();
  for (const event of events) reduce(state, event);
  return state;
}

/** Returns the state after one more event, leaving the given state untouched. */
export function applyEvent(state: SessionState, event: LedgerEvent): SessionState {
  return reduce(structuredClone(state), event);
}

/** Where the ratchet may point: the session's base and every commit it kept. */
export function ratchetPositions(state: SessionState): Set<string> {
  return new Set([
    state.baseSha,
    ...state.experiments.flatMap((x) => (x?.outcome === "keep" ? [x.sha] : [])),
  ]);
}

export function experiment(state: SessionState, id: number): Experiment | undefined {
  return state.experiments[id - 1];
}

function reduce(s: SessionState, e: LedgerEvent): SessionState {
  const at = Date.parse(e.at);
  if (e.type !== "resumed" && s.lastEventAt)
    s.activeMs += Math.max(0, at - Date.parse(s.lastEventAt));
  s.lastEventAt = e.at;
  switch (e.type) {
    case "session":
      Object.assign(s, {
        session: e.session,
        metric: e.metric,
        objectives: e.objectives ?? [],
        startedAt: e.at,
        baseSha: e.base_sha,
      });
      s.ratchetSha = e.base_sha;
      if (e.config !== undefined) s.meta = { ...s.meta, config: e.config };
      break;
    case "proposal_failed":
      s.tokensUsed += e.tokens?.total ?? 0;
      s.failedProposals = { count: s.failedProposals.count + 1, lastReason: e.reason };
      break;
    case "proposed":
      s.tokensUsed += e.tokens?.total ?? 0;
      if (e.kind === "candidate") s.failedProposals = { count: 0 };
      s.experiments[e.experiment - 1] = {
        id: e.experiment,
        kind: e.kind,
        sha: e.sha,
        parent: e.parent,
        description: e.description,
        phase: "running",
        proposedAt: e.at,
        ...(e.of === undefined ? {} : { of: e.of }),
        ...(e.hypothesis === undefined ? {} : { hypothesis: e.hypothesis }),
        ...(e.changes === undefined ? {} : { changes: e.changes }),
        ...(e.files_hash === undefined ? {} : { filesHash: e.files_hash }),
      };
      if (e.kind === "rebase" && e.of !== undefined) {
        // The original is superseded by its re-based copy, which is judged afresh.
        const original = experiment(s, e.of);
        if (original) Object.assign(original, { phase: "final", outcome: "discard" });
      }
      break;
    case "finished":
      finish(s, e.experiment, e.run, e.decision, e.at);
      break;
    case "interrupted":
      setPhase(s, e.experiment, "interrupted");
      break;
    case "rebase_failed": {
      const x = experiment(s, e.experiment);
      if (x) Object.assign(x, { phase: "final", outcome: "discard" });
      break;
    }
    case "stopped":
      s.stopped = e.reason;
      break;
    case "resumed":
      delete s.stopped;
      break;
    case "dispatched":
      dispatch(s, e);
      break;
    case "meta":
      s.meta = { ...s.meta, ...metaOf(e) };
      break;
    case "note":
      s.notes.push(e.message);
      break;
    case "heldout":
      s.heldout[e.label] = heldoutRecord(e);
      break;
  }
  return s;
}

function dispatch(s: SessionState, e: Dispatched): void {
  const x = experiment(s, e.experiment);
  if (!x) return;
  x.dispatch = {
    runId: e.run_id,
    runUrl: e.run_url,
    ...(e.api_requests === undefined ? {} : { apiRequests: e.api_requests }),
  };
}

function heldoutRecord(e: HeldoutRecorded): HeldoutRecord {
  return {
    sha: e.sha,
    status: e.status,
    at: e.at,
    ...(e.run_id === undefined ? {} : { runId: e.run_id }),
    ...(e.run_url === undefined ? {} : { runUrl: e.run_url }),
    ...(e.metrics === undefined ? {} : { metrics: e.metrics }),
    ...(e.error === undefined ? {} : { error: e.error }),
  };
}

/** The fields a `meta` event sets; absent ones leave what was recorded before. */
function metaOf(e: MetaUpdated): SessionMeta {
  return {
    ...(e.issue === undefined ? {} : { issue: e.issue }),
    ...(e.default_branch === undefined ? {} : { defaultBranch: e.default_branch }),
    ...(e.config === undefined ? {} : { config: e.config }),
    ...(e.status_comment_id === undefined ? {} : { statusCommentId: e.status_comment_id }),
    ...(e.promotion_pr === undefined ? {} : { promotionPr: e.promotion_pr }),
    ...(e.closed === undefined ? {} : { closed: e.closed }),
    ...(e.api_requests === undefined ? {} : { apiRequests: e.api_requests }),
  };
}

function setPhase(s: SessionState, id: number, phase: Phase): void {
  const x = experiment(s, id);
  if (x) x.phase = phase;
}

function finish(s: SessionState, id: number, run: RunSummary, d: Decision, at: string): void {
  const x = experiment(s, id);
  if (!x) return;
  Object.assign(x, { run, decision: d, finishedAt: at, phase: "final" });
  const target = experiment(s, d.target) ?? x;
  if (x.kind === "confirm") x.outcome = undefined;
  switch (d.outcome) {
    case "baseline": {
      x.outcome = "baseline";
      // The decision's value is what the ratchet judges by (the metric, or a weighted score).
      const value = d.value ?? run.metrics[s.metric.name];
      if (run.status === "ok" && value !== undefined) s.baselineValues.push(value);
      s.best = mean(s.baselineValues);
      s.sigma = stdev(s.baselineValues);
      break;
    }
    case "keep":
      Object.assign(target, { phase: "final", outcome: "keep", decision: d });
      s.ratchetSha = target.sha;
      if (d.best_after !== undefined) s.best = d.best_after;
      break;
    case "discard":
    case "crash":
      Object.assign(target, { phase: "final", outcome: d.outcome, decision: d });
      break;
    case "confirm":
      target.phase = "awaiting-confirm";
      break;
    case "rebase":
      Object.assign(target, { phase: "awaiting-rebase", decision: d });
      break;
    case "pending":
      break;
  }
}
