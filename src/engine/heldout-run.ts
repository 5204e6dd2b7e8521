import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { mean, type Result, type RunnerIdentity, type SessionState } from "../core/index.ts";
import { addWorktree, removeWorktree } from "../forge/local/index.ts";
import { heldoutConfig, runExperiment } from "../runner/index.ts";
import type { Sandbox } from "../sandbox/index.ts";
import type { SessionPaths } from "./session-paths.ts";

/** One commit evaluated on both splits. */
export interface SplitScores {
  sha: string;
  search: Record<string, number>;
  heldout?: Record<string, number>;
  /** Why the held-out run gave no metrics. */
  error?: string;
}

export interface HeldoutReport {
  baseline: SplitScores;
  best: SplitScores;
}

export interface HeldoutOptions {
  repo: string;
  session: string;
  paths: SessionPaths;
  config: Config;
  state: SessionState;
  env: Readonly<Record<string, string | undefined>>;
  runner: RunnerIdentity;
  sandbox: Sandbox;
  signal?: AbortSignal;
}

/**
 * Runs `promotion.heldout` (with AUTOOPT_SPLIT=heldout) on the session's base commit and on the
 * ratchet head, each in a fresh worktree with the locked files restored from the base, exactly
 * as a search run. Results go to `heldout/` in the session folder, which no proposer tool shows
 * and the index never takes in: what the search never saw must stay unseen.
 */
export async function runHeldout(o: HeldoutOptions): Promise<HeldoutReport> {
  const config = heldoutConfig(o.config);
  const { baseSha, ratchetSha } = o.state;
  const baseline = await evaluate(o, config, "baseline", baseSha);
  const best =
    ratchetSha === baseSha
      ? baseline.result
      : (await evaluate(o, config, "best", ratchetSha)).result;
  const report: HeldoutReport = {
    baseline: scores(baseSha, searchMetricsOf(o.state, baseSha), baseline.result),
    best: scores(ratchetSha, searchMetricsOf(o.state, ratchetSha), best),
  };
  await writeFile(
    join(o.paths.dir, "heldout", "report.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  return report;
}

async function evaluate(
  o: HeldoutOptions,
  config: Config,
  label: string,
  sha: string,
): Promise<{ result: Result }> {
  const archiveDir = join(o.paths.dir, "heldout", `${label}-${sha.slice(0, 12)}`);
  const workdir = join(o.paths.worktrees, `heldout-${label}`);
  await mkdir(archiveDir, { recursive: true });
  await addWorktree(o.repo, workdir, sha, o.env);
  try {
    const result = await runExperiment({
      workdir,
      archiveDir,
      config,
      session: o.session,
      experiment: `heldout-${label}`,
      candidateSha: sha,
      baseSha: o.state.baseSha,
      seed: o.config.session.seed,
      split: "heldout",
      parentEnv: o.env,
      runner: o.runner,
      sandbox: o.sandbox,
      hide: [o.repo],
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { result };
  } finally {
    await removeWorktree(o.repo, workdir, o.env);
  }
}

function scores(sha: string, search: Record<string, number>, result: Result): SplitScores {
  if (result.status === "ok") return { sha, search, heldout: result.metrics };
  const tail = result.log_tail.trim().split("\n").slice(-15).join("\n");
  const error = `${result.status}: ${result.reason ?? "the held-out command failed"}${tail ? `\n${tail}` : ""}`;
  return { sha, search, error };
}

/** Search-split metrics of a commit: the mean over its ok runs (baseline repeats, confirmations). */
export function searchMetricsOf(state: SessionState, sha: string): Record<string, number> {
  const runs = state.experiments.flatMap((e) =>
    e?.sha === sha && e.run?.status === "ok" ? [e.run.metrics] : [],
  );
  const names = new Set(runs.flatMap((m) => Object.keys(m)));
  const out: Record<string, number> = {};
  for (const name of names) {
    const values = runs.flatMap((m) => (m[name] === undefined ? [] : [m[name]]));
    out[name] = mean(values);
  }
  return out;
}
