import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a run on a GitHub runner must not see, and what it must still read. Hidden: the
 * runner's work folder (other checkouts, `_temp` with the job's scripts and the action's
 * archive, `_actions`) and the runner's own folder (its `.credentials` and RSA key, `_diag`
 * logs). Read-only: the tool cache, where setup-python and friends put the toolchain.
 */
export function runnerPlaces(env: Env): { hide: string[]; readOnly: string[] } {
  const hide = new Set<string>();
  const workspace = env.RUNNER_WORKSPACE ?? (env.GITHUB_WORKSPACE && dirname(env.GITHUB_WORKSPACE));
  if (workspace) {
    const work = dirname(resolve(workspace));
    hide.add(work);
    hide.add(dirname(work));
  }
  if (env.RUNNER_TEMP) hide.add(resolve(env.RUNNER_TEMP));
  const readOnly = env.RUNNER_TOOL_CACHE ? [resolve(env.RUNNER_TOOL_CACHE)] : [];
  // Hiding the root, or a folder the system lives in, would leave the run no programs to run.
  const system = ["/", "/usr", "/bin", "/lib", "/lib64", "/etc", "/opt", "/var", "/sbin"];
  return { hide: [...hide].filter((p) => !system.includes(p)), readOnly };
}

/**
 * The job owns its runner, so its run gets every NVIDIA device node there is; the sandbox's
 * own /dev has none of them otherwise.
 */
export function gpuNodes(devDir = "/dev"): string[] {
  try {
    return readdirSync(devDir)
      .filter((name) => /^nvidia(\d+|ctl|-uvm|-uvm-tools|-modeset)$/.test(name))
      .map((name) => join(devDir, name));
  } catch {
    return [];
  }
}
