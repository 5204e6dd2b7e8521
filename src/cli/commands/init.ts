import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "../../forge/local/index.ts";
import type { Env } from "../open-session.ts";

/** `autoopt init`: scaffolds autoopt.yml and program.md, recognising an autoresearch-style train.py/prepare.py pair. */
export async function initCommand(cmd: {
  cwd: string;
  env: Env;
  force: boolean;
  out: { write(t: string): unknown };
}): Promise<string[]> {
  const repo = await repoRoot(cmd.cwd, cmd.env);
  const pair = existsSync(join(repo, "train.py")) && existsSync(join(repo, "prepare.py"));
  const files: Array<[string, string]> = [
    ["autoopt.yml", configTemplate(pair)],
    ["program.md", programTemplate(pair)],
  ];
  const existing = files.filter(([name]) => existsSync(join(repo, name))).map(([name]) => name);
  if (existing.length > 0 && !cmd.force) {
    throw new Error(
      `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; pass --force to overwrite`,
    );
  }
  for (const [name, text] of files) await writeFile(join(repo, name), text);
  cmd.out.write(
    `autoopt: wrote autoopt.yml and program.md${pair ? " for the train.py / prepare.py pair found here" : ""}.\n` +
      "Edit them, commit them, then run `autoopt run`.\n",
  );
  return files.map(([name]) => name);
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
`;
}

export function programTemplate(pair: boolean): string {
  return `# Program

This is the human direction for the optimizer. It is read before every proposal and never edited.

## Goal

Get the lowest \`val_bpb\` within the fixed time budget of each run. Everything in the
editable files is fair game: architecture, optimizer, hyperparameters, batch size, model size.

## Rules

- Change only the editable files (${pair ? "`train.py`" : "see `editable` in autoopt.yml"}).
- ${pair ? "`prepare.py` holds the data and the evaluation; it is locked and restored before every run." : "Locked files are restored before every run; do not rely on changing them."}
- Do not read the validation data or change how the metric is computed.
- Simpler is better: a tiny gain that adds a lot of complexity is not worth keeping; a change
  that removes code and keeps the metric is a win.
`;
}
