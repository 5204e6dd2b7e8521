import { join } from "node:path";
import type { Config } from "../config/index.ts";
import type { Result } from "../core/result.ts";
import { heldoutConfig } from "../runner/heldout-config.ts";
import { runExperiment } from "../runner/run-experiment.ts";
import { createSandbox, type Sandbox, SandboxUnavailable } from "../sandbox/index.ts";
import { ActionError } from "./action-error.ts";
import type { ActionIO } from "./action-io.ts";
import { checkArtifactServer } from "./artifact-server.ts";
import { expectsGpu } from "./expects-gpu.ts";
import { experimentParentEnv } from "./experiment-parent-env.ts";
import { experimentSeed } from "./experiment-seed.ts";
import { type ActionInputs, readInputs } from "./inputs.ts";
import { prepareWorkspace, type Workspace } from "./prepare-workspace.ts";
import type { GpuQuery } from "./query-gpu.ts";
import { recordResult } from "./record-result.ts";
import { runnerIdentity } from "./runner-identity.ts";
import { gpuNodes, runnerPlaces } from "./runner-places.ts";
import type { ArtifactUploader, RetryPolicy } from "./upload-with-retry.ts";

export interface ActionDeps {
  env: Readonly<Record<string, string | undefined>>;
  io: ActionIO;
  uploader: ArtifactUploader;
  /** Never rejects, and ends within a bounded time: an nvidia-smi that fails or hangs is `ok: false`. */
  queryGpu: () => Promise<GpuQuery>;
  /** `process.platform process.arch`, for runners that do not set RUNNER_OS. */
  platform: string;
  /** Aborted when the job is cancelled: the experiment's process group is killed. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** How runs are contained; bubblewrap (required unless the config says `none`) when absent. */
  sandbox?: (config: Config) => Sandbox;
}

/**
 * The whole step: inputs → workspace checks → one experiment (the same runner as local mode)
 * → artifact, outputs and summary. A crash, timeout or invalid candidate is a result and the
 * step succeeds; a misconfiguration throws an ActionError that says what to fix.
 */
export async function runAction(deps: ActionDeps): Promise<Result> {
  const inputs = readInputs(deps.env);
  if (inputs.token) deps.io.setSecret(inputs.token);
  checkArtifactServer(deps.env, inputs.experiment);
  // nvidia-smi takes a noticeable fraction of a second (a hung one, up to its hard timeout);
  // let it run while git works. Its answer is needed before the run: see runOnce.
  const gpu = deps.queryGpu();
  const prepared = await prepareWorkspace(deps.env, inputs, (m) => deps.io.info(m));
  const ws = { ...prepared, config: splitConfig(prepared.config, inputs) };
  const result = await runOnce(deps, inputs, ws, await gpu);
  if (deps.signal?.aborted) {
    throw new Error(
      `the job was cancelled while ${inputs.experiment} ran: its processes were killed and no result was recorded`,
    );
  }
  announce(result, ws.config, deps.io);
  await recordResult({
    result,
    config: ws.config,
    archiveDir: archiveDirOf(ws, inputs),
    retentionDays: inputs["retention-days"] ?? ws.config.runner.retention_days,
    uploader: deps.uploader,
    io: deps.io,
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  return result;
}

async function runOnce(
  deps: ActionDeps,
  inputs: ActionInputs,
  ws: Workspace,
  gpu: GpuQuery,
): Promise<Result> {
  const runner = runnerIdentity(deps.env, ws.config, gpu.ok ? gpu.gpu : undefined, deps.platform);
  if (!gpu.ok) checkDriver(gpu.reason, ws.config, runner.labels, inputs.experiment, deps.io);
  const sandbox = (deps.sandbox ?? actionSandbox)(ws.config);
  if (sandbox.warning) deps.io.warning(sandbox.warning);
  const places = runnerPlaces(deps.env);
  const config = {
    ...ws.config,
    sandbox: {
      ...ws.config.sandbox,
      read_only: [...ws.config.sandbox.read_only, ...places.readOnly],
    },
  };
  const parent = experimentParentEnv(deps.env, ws.config);
  if (parent.refused.length > 0) {
    deps.io.warning(
      `run.pass_env lists ${parent.refused.join(", ")}: the action never hands the runner's credentials to an experiment, so they are left out`,
    );
  }
  try {
    return await runExperiment({
      workdir: ws.repo.dir,
      archiveDir: archiveDirOf(ws, inputs),
      config,
      session: inputs.session,
      experiment: inputs.experiment,
      candidateSha: ws.candidateSha,
      baseSha: inputs["base-sha"],
      seed: experimentSeed(ws.config, inputs.experiment),
      split: inputs.split,
      parentEnv: parent.env,
      runner,
      sandbox,
      hide: places.hide,
      devices: gpuNodes(),
      ...(deps.signal ? { signal: deps.signal } : {}),
      onStart: ({ pid }) => deps.io.info(`started \`${ws.config.run.command}\` (pid ${pid})`),
    });
  } catch (error) {
    throw new Error(`${inputs.experiment} could not be run`, { cause: error });
  }
}

/**
 * A failing nvidia-smi on a job meant for a GPU is the runner's fault: the job fails before the
 * candidate runs, so that the candidate is not run on a broken GPU and charged with its crash.
 * Elsewhere it only costs the GPU's name in the result.
 */
function checkDriver(
  reason: string,
  config: Config,
  labels: readonly string[],
  experiment: string,
  io: ActionIO,
): void {
  const why = expectsGpu(config, labels);
  if (why === undefined) {
    io.warning(`${reason}; the result will not name this runner's GPU`);
    return;
  }
  throw new ActionError(
    `this runner's GPU is not usable: ${reason.replace(/\.$/, "")}. The job is meant for a GPU (${why}), so ${experiment} was not run: this is an infrastructure error of the runner, not the candidate's. Fix the runner's NVIDIA driver (a driver/library version mismatch needs a reboot or a driver reinstall; in a Kubernetes pod, runtimeClassName: nvidia and an nvidia.com/gpu limit, see docs/runners.md) and dispatch the experiment again, or set sandbox.gpus: none if the experiments need no GPU`,
  );
}

/**
 * On a runner, `auto` means bubblewrap: a shared or persistent runner holds tokens and other
 * jobs' files, so running uncontained there takes the config saying `containment: none`.
 */
function actionSandbox(config: Config): Sandbox {
  const choice = config.sandbox.containment === "none" ? "none" : "bubblewrap";
  try {
    return createSandbox(choice);
  } catch (error) {
    if (!(error instanceof SandboxUnavailable)) throw error;
    throw new ActionError(
      `${error.message}. On the runner image: sudo apt-get install -y bubblewrap (see docs/runners.md)`,
      { cause: error },
    );
  }
}

/**
 * The config the run executes: on the held-out split, `promotion.heldout` in place of the
 * command and the evaluator (same budget, locked files and environment), from the base commit
 * like everything else, so a candidate cannot choose how it is evaluated held out either.
 */
function splitConfig(config: Config, inputs: ActionInputs): Config {
  if (inputs.split === "search") return config;
  try {
    return heldoutConfig(config);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ActionError(
      `input \`split\` is \`heldout\`, but ${why}. Commit that to ${inputs.config} on the base branch (the config is read from base commit ${inputs["base-sha"]}), or dispatch with \`split: search\``,
      { cause: error },
    );
  }
}

function archiveDirOf(ws: Workspace, inputs: ActionInputs): string {
  return join(ws.tempRoot, inputs.session, inputs.experiment);
}

/** Says how the run went as an annotation; only a misconfiguration fails the job. */
function announce(result: Result, config: Config, io: ActionIO): void {
  const value = result.metrics[config.metric.name];
  if (result.status === "ok") {
    const metric = value === undefined ? "" : `: ${config.metric.name} = ${value}`;
    io.notice(`${result.experiment} ran ok${metric}`);
    return;
  }
  io.warning(
    `${result.experiment} is ${result.status}: ${result.reason ?? "no reason given"}. That is the experiment's result, recorded for the App, not a failure of this job`,
  );
}
