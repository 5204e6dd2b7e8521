import type { GroupOutcome } from "./process-group.ts";

/** How a process was contained: recorded in result.json, shown in reports. */
export type Containment = "bubblewrap" | "none";

/**
 * What one sandboxed process may see and do. Paths are absolute host paths, bound at the same
 * path inside, so that logs, tracebacks and AUTOOPT_OUT read the same inside and out.
 */
export interface SandboxSpec {
  /** Run with `/bin/sh -c`. */
  command: string;
  cwd: string;
  /** The whole environment of the process; nothing else is inherited. */
  env: Record<string, string>;
  /** Bound read-write: the only places the process can change. */
  writable: readonly string[];
  /** Bound read-only, visible even when they lie inside a hidden folder. */
  readOnly: readonly string[];
  /** Made invisible: a folder becomes empty, a file reads as empty. Applied before the binds. */
  hidden: readonly string[];
  /** Made invisible after the binds: paths inside a writable or read-only place (`.git`, data of another phase). */
  masked: readonly string[];
  /** Device nodes bound in (GPUs). */
  devices: readonly string[];
  network: boolean;
  /** Seconds after which the whole sandbox is killed. */
  limitS: number;
  signal?: AbortSignal;
  onOutput: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  onSpawn?: (pid: number) => void;
}

/** One way of starting candidate code. Every process started from a candidate goes through one. */
export interface Sandbox {
  readonly containment: Containment;
  /** Why this machine runs uncontained, when it does; the caller shows it and records it. */
  readonly warning?: string;
  run(spec: SandboxSpec): Promise<GroupOutcome>;
}
