import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RunnerConfig } from "../../config/config.ts";
import { loadConfig } from "../../config/index.ts";
import { repoRoot } from "../../forge/local/index.ts";
import { experimentWorkflow, GITHUB_CONFIG_PATH, runnerSection } from "../github-templates.ts";
import type { Env } from "../open-session.ts";

/** A file `init` writes: its path from the repository root and its text. */
type Planned = [path: string, text: string];

/**
 * `autoopt init`: scaffolds autoopt.yml and program.md, recognising an autoresearch-style
 * train.py/prepare.py pair. With `github`, scaffolds the App's .github/autoopt.yml and the
 * experiment workflow instead.
 */
export async function initCommand(cmd: {
  cwd: string;
  env: Env;
  force: boolean;
  github?: boolean;
  runsOn?: readonly string[];
  out: { write(t: string): unknown };
}): Promise<string[]> {
  if (cmd.runsOn !== undefined && !cmd.github) {
    throw new Error("--runs-on applies only with --github");
  }
  const repo = await repoRoot(cmd.cwd, cmd.env);
  const pair = existsSync(join(repo, "train.py")) && existsSync(join(repo, "prepare.py"));
  const guarded = cmd.github ? githubFiles(pair, cmd.runsOn) : localFiles(pair);
  const existing = guarded.filter(([name]) => existsSync(join(repo, name))).map(([name]) => name);
  if (existing.length > 0 && !cmd.force) {
    throw new Error(
      `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; pass --force to overwrite`,
    );
  }
  // In GitHub mode program.md may already be the direction a local session used: keep it.
  const program: Planned[] =
    cmd.github && !existsSync(join(repo, "program.md"))
      ? [["program.md", programTemplate(pair, GITHUB_CONFIG_PATH)]]
      : [];
  const files = [...guarded, ...program];
  for (const [name, text] of files) {
    await mkdir(dirname(join(repo, name)), { recursive: true });
    await writeFile(join(repo, name), text);
  }
  cmd.out.write(cmd.github ? githubDone(files, pair) : localDone(pair));
  return files.map(([name]) => name);
}

function localFiles(pair: boolean): Planned[] {
  return [
    ["autoopt.yml", configTemplate(pair)],
    ["program.md", programTemplate(pair)],
  ];
}

/**
 * The App's config and the workflow generated from it. The workflow is derived from the config
 * as loaded, so its runner labels and timeout are the ones the schema accepts, defaults applied.
 */
function githubFiles(pair: boolean, runsOn: readonly string[] | undefined): Planned[] {
  const runner = RunnerConfig.parse(runsOn === undefined ? {} : { runs_on: runsOn });
  const text = configTemplate(pair) + runnerSection(runner);
  const config = loadConfig(text, GITHUB_CONFIG_PATH);
  return [
    [GITHUB_CONFIG_PATH, text],
    [`.github/workflows/${config.runner.workflow}`, experimentWorkflow(config)],
  ];
}

function localDone(pair: boolean): string {
  return (
    `autoopt: wrote autoopt.yml and program.md${pair ? " for the train.py / prepare.py pair found here" : ""}.\n` +
    "Edit them, commit them, then run `autoopt run`.\n"
  );
}

function githubDone(files: readonly Planned[], pair: boolean): string {
  const names = files.map(([name]) => name);
  const kept = names.includes("program.md") ? "" : " (program.md exists and was kept)";
  return (
    `autoopt: wrote ${names.join(", ")}${pair ? " for the train.py / prepare.py pair found here" : ""}${kept}.\n` +
    "Commit them to the default branch (GitHub dispatches only workflows found there), register a\n" +
    "self-hosted runner with the labels in runner.runs_on (see docs/runners.md), install the\n" +
    "autoopt App on this private repository, then comment `/autoopt start` on an issue.\n"
  );
}

export function configTemplate(pair: boolean): string {
  return `# yaml-language-server: $schema=https://autoopt.dev/schema/autoopt.schema.json
version: 1
mode: train
program: program.md            # human direction; never edited by the proposer
editable: [train.py]           # globs the proposer may change${pair ? "" : " (change to your script)"}
locked: [${pair ? "prepare.py" : ""}]             # restored from the session's start commit before every run
run:
  command: python3 train.py    # runs with AUTOOPT_BUDGET_S, AUTOOPT_OUT, AUTOOPT_SEED set
  budget: 5m                   # wall-clock budget of one experiment
  grace: 1m                    # killed (with all its children) at budget + grace
  # evaluate: python3 prepare.py --evaluate   # a separate evaluator whose metrics win
metric: { name: val_bpb, goal: minimize }   # read from $AUTOOPT_OUT/metrics.json or a summary block after ---
ratchet: { min_delta: 0.0, baseline_repeats: 1, noise_sigmas: 2, confirm: 0 }
session: { max_experiments: 100, max_hours: 12, parallel: 1 }
proposer: { kind: search }     # offline; or { kind: llm, model: ..., api_key_env: OPENAI_API_KEY }
# Every run starts in a sandbox: HOME, /tmp and this repository are invisible, the network is
# off. Declare the data outside the checkout, with the phases that may read it:
# data:
#   - { path: "~/.cache/mydata/train.bin", phases: [run] }
#   - { path: "~/.cache/mydata/val.bin", phases: [evaluate] }
#   - { path: "~/.cache/mydata/test.bin", phases: [heldout] }
# sandbox: { network: false, read_only: [] }
`;
}

export function programTemplate(pair: boolean, configFile = "autoopt.yml"): string {
  return `# Program

This is the human direction for the optimizer. It is read before every proposal and never edited.

## Goal

Get the lowest \`val_bpb\` within the fixed time budget of each run. Everything in the
editable files is fair game: architecture, optimizer, hyperparameters, batch size, model size.

## Rules

- Change only the editable files (${pair ? "`train.py`" : `see \`editable\` in ${configFile}`}).
- ${pair ? "`prepare.py` holds the data and the evaluation; it is locked and restored before every run." : "Locked files are restored before every run; do not rely on changing them."}
- Do not read the validation data or change how the metric is computed.
- Simpler is better: a tiny gain that adds a lot of complexity is not worth keeping; a change
  that removes code and keeps the metric is a win.
`;
}
