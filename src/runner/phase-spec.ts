import { join } from "node:path";
import type { Config, DataPhase } from "../config/index.ts";
import type { SandboxSpec } from "../sandbox/index.ts";
import { expandPath } from "./expand-path.ts";

/** Where one phase of an experiment runs and what it may touch. */
export interface PhasePlace {
  phase: DataPhase;
  /** The checkout the process runs in (the run's workdir, or the evaluator's fresh tree). */
  tree: string;
  outDir: string;
  /** Host places the process must not see: the repository, the session folder, the runner's folders. */
  hide: readonly string[];
  parentEnv: Readonly<Record<string, string | undefined>>;
  devices?: readonly string[];
}

type PlaceSpec = Pick<
  SandboxSpec,
  "cwd" | "writable" | "readOnly" | "hidden" | "masked" | "devices" | "network"
>;

/**
 * The sandbox layout of one phase: the tree and AUTOOPT_OUT writable; HOME, the repository and
 * the configured places hidden; the tree's `.git` masked so that no run reaches the repository
 * through it; and each declared data path visible only to the phases it names.
 */
export function phaseSpec(config: Config, place: PhasePlace): PlaceSpec {
  const env = place.parentEnv;
  const at = (path: string) => expandPath(path, env, place.tree);
  const allowed = config.data.filter((d) => d.phases.includes(place.phase)).map((d) => at(d.path));
  const denied = config.data.filter((d) => !d.phases.includes(place.phase)).map((d) => at(d.path));
  const home = env.HOME && env.HOME !== "/" ? [env.HOME] : [];
  return {
    cwd: place.tree,
    writable: [place.tree, place.outDir],
    readOnly: [...config.sandbox.read_only.map(at), ...allowed],
    hidden: [...home, ...place.hide, ...config.sandbox.hide.map(at)],
    masked: [join(place.tree, ".git"), ...denied],
    devices: place.devices ?? [],
    network: config.sandbox.network,
  };
}
