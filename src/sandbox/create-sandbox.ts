import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapArgs, type PathKind } from "./bwrap-args.ts";
import { runInProcessGroup } from "./process-group.ts";
import type { Sandbox, SandboxSpec } from "./sandbox-spec.ts";

/** What the config asks for: `auto` contains when it can; `bubblewrap` insists; `none` never contains. */
export type ContainmentChoice = "auto" | "bubblewrap" | "none";

export const BWRAP_INSTALL =
  "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap)";

const USERNS_FIX =
  "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 the AppArmor profile for bwrap, see docs/runners.md), or run in a container started with them";

/** What to do about a failed probe: install bubblewrap, or let it make namespaces. */
function fixFor(problem: string): string {
  return problem === "bwrap is not installed" || problem.startsWith("bubblewrap needs Linux")
    ? BWRAP_INSTALL
    : USERNS_FIX;
}

const UNCONTAINED_RISK =
  "candidate code runs with your own powers: it can read your files and secrets, rewrite its evaluator and the session records, and reach the network";

export class SandboxUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SandboxUnavailable";
  }
}

/**
 * The sandbox every candidate process of this autoopt process starts through. `auto` falls
 * back to running uncontained only where bubblewrap cannot run, with a warning that says what
 * is then at risk; `bubblewrap` throws instead.
 */
export function createSandbox(choice: ContainmentChoice, probe = probeBubblewrap): Sandbox {
  if (choice === "none") {
    return {
      containment: "none",
      warning: `containment: none — ${UNCONTAINED_RISK}`,
      run: runUncontained,
    };
  }
  const problem = probe();
  if (problem === undefined) return { containment: "bubblewrap", run: runInBubblewrap };
  if (choice === "bubblewrap") {
    throw new SandboxUnavailable(
      `the sandbox cannot start: ${problem}; ${fixFor(problem)}, or set sandbox.containment: none in autoopt.yml to run uncontained on purpose`,
    );
  }
  return {
    containment: "none",
    warning: `running uncontained (${problem}): ${UNCONTAINED_RISK}. To contain runs, ${fixFor(problem)}`,
    run: runUncontained,
  };
}

let probed: { problem: string | undefined } | undefined;

/** Why bubblewrap cannot run here, or undefined when it can; asked once per process. */
export function probeBubblewrap(): string | undefined {
  probed ??= { problem: tryBubblewrap() };
  return probed.problem;
}

function tryBubblewrap(): string | undefined {
  if (process.platform !== "linux") return `bubblewrap needs Linux, this is ${process.platform}`;
  try {
    execFileSync(
      "bwrap",
      ["--ro-bind", "/", "/", "--proc", "/proc", "--unshare-all", "--die-with-parent", "true"],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 },
    );
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "bwrap is not installed";
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `bwrap fails here${stderr ? `: ${stderr.split("\n")[0]}` : ""}`;
  }
}

let empty: string | undefined;

/** The empty file hidden files read as; one per autoopt process, read-only, gone at its exit. */
function emptyFile(): string {
  if (empty === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-sandbox-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "empty");
    writeFileSync(path, "");
    chmodSync(path, 0o444);
    empty = path;
  }
  return empty;
}

function runInBubblewrap(spec: SandboxSpec) {
  return runInProcessGroup({ ...common(spec), argv: bwrapArgs(spec, kindOf, emptyFile()) });
}

function runUncontained(spec: SandboxSpec) {
  return runInProcessGroup({ ...common(spec), argv: ["/bin/sh", "-c", spec.command] });
}

function common(spec: SandboxSpec) {
  return {
    cwd: spec.cwd,
    env: spec.env,
    limitS: spec.limitS,
    onOutput: spec.onOutput,
    ...(spec.signal ? { signal: spec.signal } : {}),
    ...(spec.onSpawn ? { onSpawn: spec.onSpawn } : {}),
  };
}

function kindOf(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? "dir" : "file";
  } catch {
    return "missing";
  }
}
