import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Config } from "../config/index.ts";
import { addWorktree, removeWorktree } from "../forge/local/index.ts";
import { cleanEnv, phaseSpec } from "../runner/index.ts";
import type { Sandbox } from "../sandbox/index.ts";

const PRECHECK_LIMIT_S = 120;

/**
 * The configured pre-check (e.g. `python3 -m py_compile train.py`) on a proposal, in a throwaway
 * worktree at the proposal's parent with its files written in, under the same clean environment
 * and sandbox as a run. Returns what failed, or undefined.
 */
export async function localPrecheck(options: {
  repo: string;
  config: Config;
  command: string;
  env: Readonly<Record<string, string | undefined>>;
  parent: string;
  files: ReadonlyMap<string, string>;
  sandbox: Sandbox;
}): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "autoopt-precheck-"));
  const workdir = join(dir, "tree");
  await addWorktree(options.repo, workdir, options.parent, options.env);
  try {
    for (const [path, content] of options.files) {
      await mkdir(dirname(join(workdir, path)), { recursive: true });
      await writeFile(join(workdir, path), content);
    }
    const vars = {
      outDir: join(dir, "out"),
      seed: 0,
      experiment: "precheck",
      session: "precheck",
      split: "search" as const,
    };
    await mkdir(vars.outDir);
    let output = "";
    const place = {
      phase: "run" as const,
      tree: workdir,
      outDir: vars.outDir,
      hide: [options.repo],
    };
    const outcome = await options.sandbox.run({
      ...phaseSpec(options.config, { ...place, parentEnv: options.env }),
      command: options.command,
      env: cleanEnv(options.env, options.config, vars),
      limitS: PRECHECK_LIMIT_S,
      onOutput: (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-4000);
      },
    });
    if (outcome.end === "timeout")
      return `\`${options.command}\` took longer than ${PRECHECK_LIMIT_S}s`;
    if (outcome.exitCode === 0) return undefined;
    return `\`${options.command}\` exited with code ${outcome.exitCode}:\n${output.trim().split("\n").slice(-20).join("\n")}`;
  } finally {
    await removeWorktree(options.repo, workdir, options.env);
    await rm(dir, { recursive: true, force: true });
  }
}
