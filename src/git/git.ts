import { tracingChannel } from "node:diagnostics_channel";
import { existsSync } from "node:fs";
import { type Env, type GitVars, gitEnv } from "./git-env.ts";
import { startProgram } from "./git-starter.ts";
import { configVars, driverOverrides, HARDENED_CONFIG, mayRunDrivers } from "./hardening.ts";

/** Each git process, for whoever measures them (`{ args }`; start and end as a traced promise). */
export const gitProcesses = tracingChannel<unknown, { args: readonly string[] }>("autoopt:git");

export class GitError extends Error {
  readonly stderr: string;
  /** git's exit status; undefined when git did not run (not installed, not on PATH). */
  readonly exitCode: number | undefined;
  constructor(
    message: string,
    stderr: string,
    exitCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GitError";
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

export interface GitOptions {
  /** Where git runs; the repository too, unless `gitDir` names it. */
  cwd: string;
  /** The environment autoopt runs in. Git gets only PATH from it: see gitEnv. */
  env?: Env;
  /** Git variables autoopt sets for this call. */
  vars?: GitVars;
  /**
   * The repository, named explicitly: a work tree's `.git` file is the candidate's to rewrite,
   * and would otherwise choose the repository (and so the config) git uses.
   */
  gitDir?: string;
  /** The work tree that goes with `gitDir`; `cwd` when absent. */
  workTree?: string;
  input?: string | Buffer;
}

// Trees of large repositories and locked files easily pass the 1 MiB default.
const MAX_BUFFER = 1024 * 1024 * 1024;

/** Runs git and returns stdout; throws a GitError carrying git's own message. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  return (await gitBuffer(args, options)).toString("utf8");
}

/**
 * Runs git with no hooks, no fsmonitor, no system or user config, no inherited git variables,
 * and every program-running config key the repository could set made inert.
 */
export async function gitBuffer(args: readonly string[], options: GitOptions): Promise<Buffer> {
  const place = options.gitDir
    ? [`--git-dir=${options.gitDir}`, `--work-tree=${options.workTree ?? options.cwd}`]
    : [];
  const pairs = [...HARDENED_CONFIG];
  if (mayRunDrivers(args)) {
    const listed = await spawnGit(
      [...place, "config", "-z", "--name-only", "--list"],
      options,
      pairs,
    );
    const names = listed
      .toString("utf8")
      .split("\0")
      .filter((name) => name.length > 0);
    pairs.push(...driverOverrides(names));
  }
  return spawnGit([...place, ...args], options, pairs);
}

function spawnGit(
  args: readonly string[],
  options: GitOptions,
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<Buffer> {
  const env = { ...gitEnv(options.env ?? {}, options.vars), ...configVars(pairs) };
  const run = async () => {
    const { stdout, stderr, error } = await startProgram({
      file: "git",
      args,
      cwd: options.cwd,
      env,
      ...(options.input === undefined ? {} : { input: options.input }),
      maxBuffer: MAX_BUFFER,
    });
    if (!error) return stdout;
    throw failure(args, options.cwd, error, stderr.toString("utf8").trim(), env.PATH);
  };
  return gitProcesses.hasSubscribers ? gitProcesses.tracePromise(run, { args }) : run();
}

function failure(
  args: readonly string[],
  cwd: string,
  error: Error & { code?: unknown; signal?: unknown },
  stderr: string,
  path: string | undefined,
): GitError {
  if (error.code === "ENOENT") {
    const why = existsSync(cwd)
      ? `git is not installed, or not on PATH (${path})`
      : `cannot run git in ${cwd}: the folder does not exist`;
    return new GitError(why, stderr, undefined, { cause: error });
  }
  const exitCode = typeof error.code === "number" ? error.code : undefined;
  const status =
    exitCode !== undefined
      ? `exit code ${exitCode}`
      : typeof error.code === "string"
        ? error.code
        : `signal ${String(error.signal)}`;
  // Not chained: execFile's error quotes the whole command line, config values (tokens) included;
  // git's stderr and exit code are all it knows.
  return new GitError(`git ${shown(args)} failed in ${cwd}: ${stderr || status}`, stderr, exitCode);
}

/** The arguments with config values left out: a `-c http.extraheader=...` carries a token. */
function shown(args: readonly string[]): string {
  return args.map((arg, i) => (args[i - 1] === "-c" ? `${arg.split("=")[0]}=…` : arg)).join(" ");
}
