import picomatch from "picomatch";
import type { Config } from "./config.ts";
import { formatDuration } from "./duration.ts";

/** The configuration file itself; a proposal that could edit it could change its own rules. */
const CONFIG_FILE = "autoopt.yml";

/** Checks that need more than one key at a time; each message names the keys and the fix. */
export function findContradictions(config: Config): string[] {
  return [
    ...globsOutsideRepo(config),
    ...editableReachesProtected(config),
    ...objectiveProblems(config),
    ...ruleProblems(config),
    ...budgetProblems(config),
  ];
}

function globsOutsideRepo(config: Config): string[] {
  const problems: string[] = [];
  for (const list of ["editable", "locked"] as const) {
    config[list].forEach((glob, i) => {
      if (/^(?:\/|\\|~|[A-Za-z]:[\\/])/.test(glob) || glob.split(/[\\/]/).includes("..")) {
        problems.push(
          `${list}[${i}]: \`${glob}\` points outside the repository; globs are relative to the repository root — write e.g. \`train.py\` or \`src/**/*.py\``,
        );
      }
    });
  }
  return problems;
}

function editableReachesProtected(config: Config): string[] {
  const problems: string[] = [];
  config.editable.forEach((glob, i) => {
    const key = `editable[${i}]: \`${glob}\``;
    const matches = picomatch(glob, { dot: true });
    if (/^\.github(?:\/|$)/.test(glob) || matches(".github/workflows/ci.yml")) {
      problems.push(
        `${key} reaches .github/, which autoopt never edits (a proposal may not change CI); remove it, or narrow it to the files the proposer may change, e.g. \`src/**/*.py\``,
      );
    }
    const lockedIndex = config.locked.findIndex(
      (l) => l === glob || picomatch(l, { dot: true })(glob),
    );
    if (lockedIndex >= 0) {
      problems.push(
        `${key} is also locked by locked[${lockedIndex}]: \`${config.locked[lockedIndex]}\`; a file is either editable or locked — remove it from one of the two lists`,
      );
    }
    if (matches(config.program)) {
      problems.push(
        `${key} matches the program file \`${config.program}\` (program:), the human direction the proposer never edits; narrow the glob so it leaves that file out, e.g. list the files by name`,
      );
    }
    if (matches(CONFIG_FILE)) {
      problems.push(
        `${key} matches ${CONFIG_FILE}, this configuration; a proposal may not change its own budget or rules — narrow the glob so it leaves ${CONFIG_FILE} out`,
      );
    }
  });
  return problems;
}

function objectiveProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.mode === "train" && config.objectives.length > 0) {
    const names = config.objectives.map((o) => o.name).join(", ");
    problems.push(
      `objectives: [${names}] is set, but mode is train, which optimizes metric alone; set \`mode: harness\` for several objectives, or remove \`objectives\``,
    );
  }
  config.objectives.forEach((objective, i) => {
    const key = `objectives[${i}].name: \`${objective.name}\``;
    if (objective.name === config.metric.name) {
      problems.push(
        `${key} repeats metric.name; the metric is already the first objective — remove objectives[${i}]`,
      );
      return;
    }
    const first = config.objectives.findIndex((o) => o.name === objective.name);
    if (first < i) {
      problems.push(
        `${key} is listed twice (also objectives[${first}]); list each objective once — remove one or rename it`,
      );
    }
  });
  return problems;
}

/** Harness mode with several objectives must say how candidates are compared; nothing is guessed. */
function ruleProblems(config: Config): string[] {
  const { rule, weights } = config.ratchet;
  const names = [config.metric.name, ...config.objectives.map((o) => o.name)];
  const problems: string[] = [];
  if (config.mode === "harness" && config.objectives.length > 0 && rule === undefined) {
    problems.push(
      `ratchet.rule is missing: with several objectives (${names.join(", ")}) say how a candidate beats the best — \`rule: primary\` (by ${config.metric.name} alone, within each objective's \`limit\`) or \`rule: weighted\` with \`weights: { ${names.map((n) => `${n}: 1`).join(", ")} }\``,
    );
  }
  if (rule === "weighted" && (weights === undefined || Object.keys(weights).length === 0)) {
    problems.push(
      `ratchet.rule: weighted needs ratchet.weights, a positive weight per objective, e.g. \`weights: { ${names.map((n) => `${n}: 1`).join(", ")} }\``,
    );
  }
  if (weights !== undefined && rule !== "weighted") {
    problems.push(
      `ratchet.weights is set but ratchet.rule is ${rule ?? "not set"}; weights are used only by \`rule: weighted\` — set it, or remove weights`,
    );
  }
  for (const name of Object.keys(weights ?? {})) {
    if (!names.includes(name))
      problems.push(
        `ratchet.weights.${name}: \`${name}\` is not an objective; weights name the metric or an entry of objectives (${names.join(", ")})`,
      );
  }
  return problems;
}

function budgetProblems(config: Config): string[] {
  const { budget, grace } = config.run;
  const maxHours = config.session.max_hours;
  if (budget <= 0) {
    return [
      `run.budget: ${formatDuration(budget)} leaves a run no time; give it some, e.g. \`budget: 5m\``,
    ];
  }
  if (budget > maxHours * 3600) {
    const enough = Math.ceil((budget + grace) / 3600);
    return [
      `run.budget: ${formatDuration(budget)} is longer than session.max_hours: ${maxHours} (${formatDuration(maxHours * 3600)}), so not even one experiment fits; set \`max_hours: ${enough}\` or more, or shorten the budget`,
    ];
  }
  return [];
}
