import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatByteSize } from "../config/byte-size.ts";
import { formatDuration } from "../config/index.ts";
import { type Redactor, redactor, secretValues } from "../core/index.ts";
import { type Metrics, Result, type RunStatus, type TraceSummary } from "../core/result.ts";
import { CappedLog } from "./capped-log.ts";
import { checkCandidate } from "./check-candidate.ts";
import { checkTraces } from "./check-traces.ts";
import { cleanEnv } from "./clean-env.ts";
import { describeEnd } from "./describe-end.ts";
import { evaluatorTree } from "./evaluator-tree.ts";
import { type GitRepo, openGitRepo } from "./git-cli.ts";
import { judgeEvaluatedMetrics, judgeRunMetrics, requiredMetricNames } from "./judge-metrics.ts";
import { diskUsage, watchSize } from "./out-size.ts";
import { type MetricsReport, parseMetrics } from "./parse-metrics.ts";
import { phaseSpec } from "./phase-spec.ts";
import { readMetricsFile } from "./read-metrics-file.ts";
import { restoreLockedFiles } from "./restore-locked-files.ts";
import { runCommand } from "./run-command.ts";
import type { RunOptions } from "./run-options.ts";
import { writeResult } from "./write-result.ts";

interface ArchivePaths {
  outDir: string;
  metricsFile: string;
  logFile: string;
  resultFile: string;
}

interface RunContext {
  opts: RunOptions;
  repo: GitRepo;
  env: Record<string, string>;
  log: CappedLog;
  paths: ArchivePaths;
}

interface Verdict {
  status: RunStatus;
  reason?: string;
  metrics: Metrics;
  ignored_metrics: Metrics;
  evaluate_s?: number;
  traces?: TraceSummary;
}

/** The part of result.json that depends on how the run went. */
interface RunFields extends Verdict {
  exit_code: number | null;
  signal: string | null;
  locked_hashes: Record<string, string>;
  log_tail: string;
  command_s?: number;
}

/**
 * Runs one experiment in `opts.workdir` and writes `<archiveDir>/result.json`. A bad candidate,
 * a crash or a timeout is a result, not an exception; this throws only when it is called wrongly
 * (missing commits, workdir at another commit) or cannot write to the archive directory.
 */
export async function runExperiment(opts: RunOptions): Promise<Result> {
  const paths = await prepareArchive(opts.archiveDir);
  const startedAt = new Date();
  const clock = performance.now();
  // The caller's environment holds autoopt's own credentials; none of them may reach the record.
  const redact = redactor(secretValues(opts.parentEnv, opts.config));
  const fields = redacted(await runChecked(opts, paths, redact), redact);
  const result = Result.parse({
    version: 1,
    experiment: opts.experiment,
    session: opts.session,
    candidate_sha: opts.candidateSha,
    base_sha: opts.baseSha,
    ...fields,
    wall_s: (performance.now() - clock) / 1000,
    started_at: startedAt.toISOString(),
    ended_at: new Date().toISOString(),
    runner: opts.runner,
    containment: opts.sandbox.containment,
  });
  await writeResult(paths.resultFile, result);
  return result;
}

async function prepareArchive(archiveDir: string): Promise<ArchivePaths> {
  const dir = resolve(archiveDir);
  const outDir = join(dir, "out");
  try {
    await mkdir(dir, { recursive: true });
    // Metrics or traces left by an earlier run in the same place must not count for this one.
    await rm(outDir, { recursive: true, force: true });
    await rm(join(dir, "run.log"), { force: true });
    await mkdir(outDir);
  } catch (error) {
    throw new Error(
      `archive directory ${dir} is not usable: the runner must be able to write there`,
      {
        cause: error,
      },
    );
  }
  return {
    outDir,
    metricsFile: join(outDir, "metrics.json"),
    logFile: join(dir, "run.log"),
    resultFile: join(dir, "result.json"),
  };
}

function redacted(fields: RunFields, redact: Redactor): RunFields {
  const reason = fields.reason === undefined ? {} : { reason: redact(fields.reason) };
  return { ...fields, ...reason, log_tail: redact(fields.log_tail) };
}

async function runChecked(
  opts: RunOptions,
  paths: ArchivePaths,
  redact: Redactor,
): Promise<RunFields> {
  const repo = await openGitRepo(opts.workdir, opts.parentEnv);
  const check = await checkCandidate(repo, opts.config, opts.baseSha, opts.candidateSha);
  if (!check.ok) return invalid(check.reason, {});
  const locked = await restoreLockedFiles(repo, opts.config, opts.baseSha);
  if (!locked.ok) return invalid(locked.reason, locked.hashes);
  const env = cleanEnv(opts.parentEnv, opts.config, {
    outDir: paths.outDir,
    seed: opts.seed,
    experiment: opts.experiment,
    session: opts.session,
    split: opts.split,
  });
  const log = new CappedLog(paths.logFile, opts.config.run.log_limit, redact);
  try {
    const verdict = await runAndJudge({ opts, repo, env, log, paths }, locked.hashes);
    return { ...verdict, log_tail: log.recentText() };
  } finally {
    log.close();
  }
}

async function runAndJudge(
  ctx: RunContext,
  hashes: Record<string, string>,
): Promise<Omit<RunFields, "log_tail">> {
  const { opts } = ctx;
  const { run: cfg } = opts.config;
  const place = phaseSpec(opts.config, {
    phase: opts.split === "heldout" ? "heldout" : "run",
    tree: opts.workdir,
    outDir: ctx.paths.outDir,
    hide: opts.hide,
    parentEnv: opts.parentEnv,
    ...(opts.devices ? { devices: opts.devices } : {}),
  });
  const outLimit = new AbortController();
  let oversized: number | undefined;
  const stopWatch = watchSize(ctx.paths.outDir, cfg.out_limit, (bytes) => {
    oversized = bytes;
    outLimit.abort();
  });
  const run = await runCommand(opts.sandbox, {
    ...place,
    command: cfg.command,
    env: ctx.env,
    limitS: cfg.budget + cfg.grace,
    log: ctx.log,
    signal: opts.signal ? AbortSignal.any([opts.signal, outLimit.signal]) : outLimit.signal,
    onSpawn: (pid) => opts.onStart?.({ pid, startedAt: new Date() }),
  }).finally(stopWatch);
  const exit = {
    exit_code: run.exitCode,
    signal: run.signal,
    locked_hashes: hashes,
    command_s: run.wallS,
  };
  oversized ??= await overLimit(ctx.paths.outDir, cfg.out_limit);
  if (oversized !== undefined) {
    // Kept, an oversized output would be copied into the archive and served to the proposer.
    await rm(ctx.paths.outDir, { recursive: true, force: true });
    await mkdir(ctx.paths.outDir);
    const reason = `the run wrote ${formatByteSize(oversized)} to $AUTOOPT_OUT, over run.out_limit (${formatByteSize(cfg.out_limit)}); its outputs were discarded — raise run.out_limit if the run needs more`;
    return { status: "crash", reason, metrics: {}, ignored_metrics: {}, ...exit };
  }
  const limit = `budget + grace (${formatDuration(cfg.budget)} + ${formatDuration(cfg.grace)})`;
  const ended = describeEnd(run, { label: "the command", command: cfg.command, limit });
  if (ended) return { ...ended, metrics: {}, ignored_metrics: {}, ...exit };
  const reported = await readReport(ctx.paths, run.stdout);
  const required = requiredMetricNames(opts.config);
  const verdict = cfg.evaluate
    ? await evaluate(ctx, cfg.evaluate, reported, required)
    : judgeRunMetrics(reported, required);
  return { ...(await withTraces(ctx, verdict)), ...exit };
}

async function overLimit(dir: string, limit: number): Promise<number | undefined> {
  const bytes = await diskUsage(dir);
  return bytes > limit ? bytes : undefined;
}

/**
 * Harness mode: an otherwise ok run must also leave per-task traces the proposer can read; the
 * check runs last, after the evaluator, since either may write them.
 */
async function withTraces(ctx: RunContext, verdict: Verdict): Promise<Verdict> {
  if (ctx.opts.config.mode !== "harness" || verdict.status !== "ok") return verdict;
  const check = await checkTraces(ctx.paths.outDir);
  if (check.ok) return { ...verdict, traces: check.summary };
  return { ...verdict, status: "crash", reason: check.reason };
}

/**
 * Runs the trusted evaluator after the run's sandbox has ended, in a sandbox of its own, on a
 * fresh tree of the candidate commit with the locked files checked against the base: nothing
 * the run left in its workdir exists there, and the run's only way to reach the evaluator is
 * what it wrote to $AUTOOPT_OUT. The candidate's own metrics.json is gone before it starts.
 */
async function evaluate(
  ctx: RunContext,
  command: string,
  candidate: MetricsReport,
  required: readonly string[],
): Promise<Verdict> {
  const { opts } = ctx;
  await rm(ctx.paths.metricsFile, { recursive: true, force: true });
  const tree = opts.evalDir ?? `${opts.workdir}.eval`;
  try {
    await evaluatorTree(ctx.repo, opts.candidateSha, tree);
    const relocked = await restoreLockedFiles(ctx.repo, opts.config, opts.baseSha, tree);
    if (!relocked.ok) return invalid(`before the evaluator: ${relocked.reason}`, relocked.hashes);
    ctx.log.writeLine("--- evaluator ---");
    const place = phaseSpec(opts.config, {
      phase: opts.split === "heldout" ? "heldout" : "evaluate",
      tree,
      outDir: ctx.paths.outDir,
      hide: [...opts.hide, opts.workdir],
      parentEnv: opts.parentEnv,
      ...(opts.devices ? { devices: opts.devices } : {}),
    });
    const run = await runCommand(opts.sandbox, {
      ...place,
      command,
      env: ctx.env,
      limitS: opts.config.run.grace,
      log: ctx.log,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const limit = `grace (${formatDuration(opts.config.run.grace)})`;
    const ended = describeEnd(run, { label: "evaluator", command, limit });
    if (ended) return { ...ended, metrics: {}, ignored_metrics: {}, evaluate_s: run.wallS };
    const report = await readReport(ctx.paths, run.stdout);
    return { ...judgeEvaluatedMetrics(candidate, report, required), evaluate_s: run.wallS };
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

async function readReport(paths: ArchivePaths, stdout: string): Promise<MetricsReport> {
  const file = await readMetricsFile(paths.metricsFile);
  return file.ok ? parseMetrics(stdout, file.text) : { ok: false, reason: file.reason };
}

function invalid(reason: string, hashes: Record<string, string>): RunFields {
  return {
    status: "invalid",
    reason,
    metrics: {},
    ignored_metrics: {},
    exit_code: null,
    signal: null,
    locked_hashes: hashes,
    log_tail: "",
  };
}
