import { type Config, formatDuration } from "../config/index.ts";

/** The `runner:` section of a loaded config: what the experiment workflow is generated from. */
export type RunnerSettings = Config["runner"];

/** Where `autoopt init --github` writes the App's config; the workflow's `config:` input names it too. */
export const GITHUB_CONFIG_PATH = ".github/autoopt.yml";

/** Minutes a job gets on top of the run's own limit, for checkout, action start-up and the artifact upload. */
export const SETUP_MARGIN_MINUTES = 10;

/**
 * `gpu, a100` → `["gpu", "a100"]`, for `--runs-on`. A label holding `${{` is refused: GitHub
 * evaluates expressions in `runs-on`, so such a label would be code in the workflow, not a name.
 */
export function parseRunnerLabels(text: string): string[] {
  const labels = text
    .split(",")
    .map((label) => label.trim())
    .filter((label) => label.length > 0);
  if (labels.length === 0) throw new Error("list at least one runner label, e.g. self-hosted,gpu");
  refuseExpressions(labels);
  return labels;
}

function refuseExpressions(labels: readonly string[]): void {
  const expression = labels.find((label) => label.includes("${{"));
  if (expression !== undefined) {
    throw new Error(`${expression} is an expression, not a runner label; give plain label names`);
  }
}

/** The `runner:` section appended to the config template in GitHub mode. */
export function runnerSection(runner: RunnerSettings): string {
  return [
    commented("runner:", "GitHub mode: where the App's experiments run"),
    commented(
      `  workflow: ${yamlString(runner.workflow)}`,
      "in .github/workflows; dispatched once per experiment",
    ),
    commented(
      `  runs_on: ${flowSequence(runner.runs_on)}`,
      "copied into the workflow's runs-on: change both together",
    ),
    commented(
      `  action: ${yamlString(runner.action)}`,
      "pin a commit SHA here and in the workflow for reproducible runs",
    ),
    commented(
      `  retention_days: ${runner.retention_days}`,
      "days each run's artifact (result.json, logs, traces) is kept",
    ),
  ]
    .join("\n")
    .concat("\n");
}

/** A line with its comment in the column the config template uses. */
function commented(text: string, comment: string): string {
  return `${text.padEnd(30)} # ${comment}`;
}

/**
 * The run's worst case in minutes, plus the setup margin: the command may use budget + grace
 * before it is killed, and an evaluator gets up to another grace after it. GitHub's own
 * timeout is only a backstop for a hung runner, so it must never cut a legitimate run short.
 */
export function jobTimeoutMinutes(
  run: Pick<Config["run"], "budget" | "grace" | "evaluate">,
): number {
  const limitS = run.budget + run.grace + (run.evaluate === undefined ? 0 : run.grace);
  return Math.ceil(limitS / 60) + SETUP_MARGIN_MINUTES;
}

/** Why the timeout is what it is, in the words of the config, for the comment above it. */
function timeoutReason(run: Pick<Config["run"], "budget" | "grace" | "evaluate">): string {
  const parts = [`budget ${formatDuration(run.budget)}`, `grace ${formatDuration(run.grace)}`];
  if (run.evaluate !== undefined) parts.push(`evaluator grace ${formatDuration(run.grace)}`);
  return `${parts.join(" + ")}, in whole minutes, + ${SETUP_MARGIN_MINUTES} for checkout, start-up and upload`;
}

/**
 * The experiment workflow for a loaded config. Inputs are only ever interpolated into `with:`,
 * `run-name` and the concurrency group, never into a shell `run:` line, so an input cannot
 * inject a command. `split` is optional, so the App's experiment dispatches (which leave it
 * out) work with workflows written before it existed; held-out runs need it.
 */
export function experimentWorkflow(config: Pick<Config, "run" | "runner">): string {
  const { run, runner } = config;
  // Checked here too: the labels may come from a config, not only from --runs-on.
  refuseExpressions(runner.runs_on);
  return `# autoopt experiment — written by \`autoopt init --github\`.
# The autoopt App dispatches this workflow once per experiment. It checks the candidate commit
# out and runs it with the autoopt action under the budget in ${GITHUB_CONFIG_PATH}.
# Proposals cannot change this file: the App has no \`workflows\` permission, and autoopt
# rejects any edit under .github/. Never add secrets here: the experiment runs untrusted code.
name: autoopt experiment
# The App finds the run it dispatched by this name.
run-name: autoopt \${{ inputs.session }} \${{ inputs.experiment }}

on:
  workflow_dispatch:
    inputs:
      session:
        description: autoopt session tag, e.g. nov27
        type: string
        required: true
      experiment:
        description: experiment id within the session, e.g. exp-7
        type: string
        required: true
      candidate_sha:
        description: commit to run (the head of the experiment branch)
        type: string
        required: true
      base_sha:
        description: trusted commit the locked files are restored from
        type: string
        required: true
      split:
        description: search (the experiment) or heldout (promotion.heldout, for the promotion only)
        type: choice
        options: [search, heldout]
        required: false
        default: search

# Nothing by default; the job asks for the one permission it needs.
permissions: {}

# A redelivered dispatch waits for the run already under way instead of running the same
# experiment beside it, and a run in progress is never cancelled halfway through its budget.
# Held-out runs have a group of their own: they never queue behind or beside a search run.
concurrency:
  group: autoopt-\${{ inputs.session }}-\${{ inputs.experiment }}-\${{ inputs.split }}
  cancel-in-progress: false

jobs:
  experiment:
    runs-on: ${flowSequence(runner.runs_on)}
    # ${timeoutReason(run)}.
    timeout-minutes: ${jobTimeoutMinutes(run)}
    permissions:
      # Read the candidate and the base commit. The artifact upload uses the Actions runtime
      # token, not GITHUB_TOKEN, so nothing here can write to the repository.
      contents: read
    steps:
      - name: Check out the candidate
        uses: actions/checkout@v5
        with:
          ref: \${{ inputs.candidate_sha }}
          # Shallow: the action fetches the base commit itself when it restores the locked files.
          fetch-depth: 1
          # Leave no token in .git/config for the candidate's code to read.
          persist-credentials: false
      - name: Run the experiment
        uses: ${yamlString(runner.action)}
        with:
          session: \${{ inputs.session }}
          experiment: \${{ inputs.experiment }}
          base-sha: \${{ inputs.base_sha }}
          split: \${{ inputs.split }}
          config: ${GITHUB_CONFIG_PATH}
`;
}

/** `[self-hosted, gpu]`, quoting any item YAML would otherwise read as something else. */
export function flowSequence(items: readonly string[]): string {
  return `[${items.map(yamlString).join(", ")}]`;
}

// Words YAML 1.1 parsers (which GitHub's may be) read as booleans or null rather than text.
const YAML_KEYWORDS = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

/** A string as a YAML scalar: plain when unambiguous, else double-quoted (JSON is valid YAML). */
function yamlString(text: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_./@-]*$/.test(text) && !YAML_KEYWORDS.test(text);
  return plain ? text : JSON.stringify(text);
}
