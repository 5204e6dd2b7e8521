import * as core from "@actions/core";
import { coreIO } from "./action-io.ts";
import { describeFailure } from "./describe-failure.ts";
import { lazyArtifactClient } from "./lazy-artifact-client.ts";
import { queryGpu } from "./query-gpu.ts";
import { runAction } from "./run-action.ts";

/** The action's entry point, bundled into dist/index.js; the only place that reads process.env. */
async function main(): Promise<void> {
  const env = process.env;
  // A cancelled job gets SIGINT, then SIGTERM: the experiment's process group must die with it,
  // or it keeps the runner's GPU busy for the next job.
  const cancel = new AbortController();
  process.once("SIGINT", () => cancel.abort());
  process.once("SIGTERM", () => cancel.abort());
  await runAction({
    env,
    io: coreIO(),
    uploader: lazyArtifactClient(),
    queryGpu: () => queryGpu(env),
    platform: `${process.platform} ${process.arch}`,
    signal: cancel.signal,
  });
}

try {
  await main();
} catch (error) {
  core.setFailed(describeFailure(error));
}
