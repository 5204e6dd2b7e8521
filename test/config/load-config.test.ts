import { describe, expect, it } from "vitest";
import { ConfigError, findContradictions, loadConfig } from "../../src/config/index.ts";

const VALID = `version: 1
mode: train
program: program.md
editable: [train.py]
locked: [prepare.py]
run: { command: python3 train.py, budget: 5m, grace: 1m, evaluate: python3 prepare.py --evaluate }
metric: { name: val_bpb, goal: minimize }
ratchet: { min_delta: 0.001, baseline_repeats: 3, noise_sigmas: 2, confirm: 1 }
session: { max_experiments: 50, max_hours: 8, parallel: 2 }
proposer: { kind: search }
`;

const MINIMAL = `version: 1
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
`;

const HARNESS = edit(VALID, "mode: train", "mode: harness");

/** `text` with `from` replaced by `to`; fails loudly if `from` is not there, so no case tests the valid file by mistake. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from))
    throw new Error(`test setup: ${JSON.stringify(from)} is not in the text`);
  return text.replace(from, to);
}

/** The ConfigError loadConfig throws for `text`; fails the test if it loads. */
function rejection(text: string): ConfigError {
  try {
    loadConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError, but this loaded:\n${text}`);
}

/** Phrases zod or the YAML library would print if their wording leaked through. */
const LIBRARY_WORDING =
  /Invalid input|Too small|Too big|Invalid discriminator|Unrecognized key|expected \w+, received|Invalid key in record|Invalid URL|parseAllDocuments|\(nothing\)/;

describe("loadConfig on a valid file", () => {
  it("parses the full train-mode file, durations in seconds and defaults filled", () => {
    expect(loadConfig(VALID)).toEqual({
      version: 1,
      mode: "train",
      program: "program.md",
      editable: ["train.py"],
      locked: ["prepare.py"],
      run: {
        command: "python3 train.py",
        budget: 300,
        grace: 60,
        evaluate: "python3 prepare.py --evaluate",
        env: {},
        pass_env: [],
        log_limit: 8 * 1024 * 1024,
        out_limit: 512 * 1024 * 1024,
      },
      metric: { name: "val_bpb", goal: "minimize" },
      objectives: [],
      ratchet: { min_delta: 0.001, baseline_repeats: 3, noise_sigmas: 2, confirm: 1 },
      session: { max_experiments: 50, max_hours: 8, parallel: 2, propose_ahead: "auto", seed: 0 },
      proposer: { kind: "search", max_changes: 2 },
      runner: {
        workflow: "autoopt-experiment.yml",
        runs_on: ["self-hosted", "gpu"],
        action: "autoopt/autoopt@v1",
        retention_days: 30,
      },
      sandbox: {
        containment: "auto",
        network: false,
        read_only: [],
        hide: [],
        gpus: "auto",
        gpus_per_experiment: 1,
        share_gpus: false,
      },
      data: [],
      promotion: {},
    });
  });

  it("fills every default in a minimal file", () => {
    const config = loadConfig(MINIMAL);
    expect(config.mode).toBe("train");
    expect(config.program).toBe("program.md");
    expect(config.locked).toEqual([]);
    expect(config.run).toMatchObject({ budget: 300, grace: 60, env: {}, pass_env: [] });
    expect(config.run.evaluate).toBeUndefined();
    expect(config.ratchet).toEqual({
      min_delta: 0,
      baseline_repeats: 1,
      noise_sigmas: 2,
      confirm: 0,
    });
    expect(config.session).toEqual({
      max_experiments: 100,
      max_hours: 12,
      parallel: 1,
      propose_ahead: "auto",
      seed: 0,
    });
    expect(config.proposer).toEqual({ kind: "search", max_changes: 2 });
  });

  it("parses a harness-mode file with an LLM proposer and several objectives", () => {
    const config = loadConfig(
      `${MINIMAL}mode: harness
objectives: [{ name: latency_ms, goal: minimize, limit: 250 }, { name: cost, goal: minimize }]
ratchet: { rule: weighted, weights: { val_bpb: 1, latency_ms: 0.001 } }
proposer: { kind: llm, model: gpt-4o-mini, base_url: "http://localhost:8000/v1", temperature: 0.5 }
run: { command: python3 eval.py, budget: 1h30m, env: { SPLIT: search }, pass_env: [HF_TOKEN] }
`.replace("run: { command: python3 train.py }\n", ""),
    );
    expect(config.mode).toBe("harness");
    expect(config.objectives).toEqual([
      { name: "latency_ms", goal: "minimize", limit: 250 },
      { name: "cost", goal: "minimize" },
    ]);
    expect(config.ratchet.rule).toBe("weighted");
    expect(config.ratchet.weights).toEqual({ val_bpb: 1, latency_ms: 0.001 });
    expect(config.proposer).toEqual({
      kind: "llm",
      model: "gpt-4o-mini",
      base_url: "http://localhost:8000/v1",
      api_key_env: "OPENAI_API_KEY",
      temperature: 0.5,
      max_tokens_per_proposal: 200_000,
      prompt_tokens: 24_000,
      max_tool_calls: 30,
      max_attempts: 3,
      timeout: 600,
    });
    expect(config.run.budget).toBe(5400);
    expect(config.run.env).toEqual({ SPLIT: "search" });
  });

  it("finds no contradiction in the valid file", () => {
    expect(findContradictions(loadConfig(VALID))).toEqual([]);
  });
});

interface BadCase {
  title: string;
  text: string;
  /** Each must appear in one problem: the key, the bad value, and the fix. */
  says: string[];
  /** How many problems the file has in all; 1 unless said. */
  count?: number;
}

const BAD: BadCase[] = [
  {
    title: "YAML syntax error (an unquoted `: ` inside a value)",
    text: edit(VALID, "command: python3 train.py,", "command: python3 train.py --note: fast,"),
    says: [
      "YAML syntax error at line 6",
      "`run: { command: python3 train.py --note: fast",
      "quote a value",
    ],
  },
  {
    title: "YAML syntax error (a list never closed)",
    text: edit(MINIMAL, "editable: [train.py]", "editable: [train.py"),
    says: ["YAML syntax error at line 3", "`[`", "add the `]`"],
  },
  {
    title: "YAML duplicate key",
    text: `${MINIMAL}version: 1\n`,
    says: ["line 5", "`version: 1`", "each key may appear once"],
  },
  {
    title: "YAML tab indentation",
    text: "version: 1\nrun:\n\tcommand: x\n",
    says: ["line 3", "indent with spaces, not tabs"],
  },
  {
    title: "the file is a list",
    text: "- version: 1\n- editable: [train.py]\n",
    says: ["the file is a list", '[{"version":1}', "remove the leading `- `", "`version: 1`"],
  },
  {
    title: "the file is a scalar",
    text: "python3 train.py\n",
    says: ["the file is just the value", '"python3 train.py"', "mapping of keys", "autoopt init"],
  },
  {
    title: "the file is empty",
    text: "# nothing yet\n",
    says: ["the file is empty", "`version: 1`", "autoopt init"],
  },
  {
    title: "missing version",
    text: edit(VALID, "version: 1\n", ""),
    says: ["version is missing", "add it", "`version: 1`"],
  },
  {
    title: "version: 2",
    text: edit(VALID, "version: 1", "version: 2"),
    says: ["version: 2 is not allowed", "write `version: 1`"],
  },
  {
    title: "missing run.command",
    text: edit(VALID, "command: python3 train.py, ", ""),
    says: ["run.command is missing", "under `run:`", "`command: python train.py`"],
  },
  {
    title: "a duration in words",
    text: edit(VALID, "budget: 5m", "budget: 5 minutes"),
    says: ["run.budget", '"5 minutes"', "write `5m` instead"],
  },
  {
    title: "a negative duration",
    text: edit(VALID, "grace: 1m", "grace: -1m"),
    says: ["run.grace", '"-1m"', "cannot be negative", "5m"],
  },
  {
    title: "metric.goal: lower",
    text: edit(VALID, "goal: minimize", "goal: lower"),
    says: ["metric.goal", '"lower"', "minimize, maximize", "`goal: minimize`"],
  },
  {
    title: "a misspelt enum value",
    text: edit(VALID, "mode: train", "mode: trian"),
    says: ["mode", '"trian"', "train, harness", "did you mean `mode: train`?"],
  },
  {
    title: "unknown key run.budgt",
    text: edit(VALID, "budget: 5m", "budgt: 5m"),
    says: ["unknown key `run.budgt`", '"5m"', "did you mean `budget`", "rename it to `budget`"],
  },
  {
    title: "unknown top-level key, misspelt",
    text: edit(VALID, "session:", "sesion:"),
    says: ["unknown key `sesion`", '"max_experiments":50', "did you mean `session`"],
  },
  {
    title: "unknown top-level key, nothing like any key",
    text: `${VALID}colour: blue\n`,
    says: ["unknown key `colour`", '"blue"', "remove it", "at the top level are version, mode"],
  },
  {
    title: "editable: []",
    text: edit(VALID, "editable: [train.py]", "editable: []"),
    says: ["editable: []", "is empty", "list at least one", "`editable: [train.py]`"],
  },
  {
    title: "a file both editable and locked",
    text: edit(VALID, "locked: [prepare.py]", "locked: [prepare.py, '*.py']"),
    says: ["editable[0]: `train.py`", "locked[1]: `*.py`", "remove it from one of the two lists"],
  },
  {
    title: "editable covering .github/**",
    text: edit(VALID, "editable: [train.py]", "editable: [train.py, '.github/**']"),
    says: ["editable[1]: `.github/**`", "never edits", "remove it, or narrow it"],
  },
  {
    title: "an editable glob that reaches .github/ without naming it",
    text: edit(VALID, "editable: [train.py]", "editable: ['**/*.yml']"),
    says: ["editable[0]: `**/*.yml` reaches .github/", "remove it, or narrow it"],
    count: 2, // it also matches autoopt.yml
  },
  {
    title: "an editable glob matching the program file",
    text: edit(VALID, "editable: [train.py]", "editable: [train.py, '*.md']"),
    says: ["editable[1]: `*.md`", "program file `program.md`", "narrow the glob"],
  },
  {
    title: "an editable glob matching autoopt.yml itself",
    text: edit(VALID, "editable: [train.py]", "editable: [train.py, '*.yml']"),
    says: ["editable[1]: `*.yml`", "matches autoopt.yml", "narrow the glob"],
  },
  {
    title: "an absolute glob",
    text: edit(VALID, "locked: [prepare.py]", "locked: [/srv/data/prepare.py]"),
    says: [
      "locked[0]: `/srv/data/prepare.py`",
      "outside the repository",
      "relative to the repository root",
    ],
  },
  {
    title: "a `../` glob",
    text: edit(VALID, "editable: [train.py]", "editable: [../shared/train.py]"),
    says: ["editable[0]: `../shared/train.py`", "outside the repository", "e.g. `train.py`"],
  },
  {
    title: "objectives in train mode",
    text: `${VALID}objectives: [{ name: latency_ms, goal: minimize }]\n`,
    says: [
      "objectives: [latency_ms]",
      "mode is train",
      "set `mode: harness`",
      "or remove `objectives`",
    ],
  },
  {
    title: "duplicate objective names in harness mode",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }, { name: latency_ms, goal: maximize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: primary, ",
    ),
    says: [
      "objectives[1].name: `latency_ms`",
      "listed twice",
      "objectives[0]",
      "remove one or rename it",
    ],
  },
  {
    title: "an objective repeating the metric",
    text: `${HARNESS}objectives: [{ name: val_bpb, goal: minimize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: primary, ",
    ),
    says: ["objectives[0].name: `val_bpb`", "repeats metric.name", "remove objectives[0]"],
  },
  {
    title: "harness mode with objectives and no ratchet rule",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }]\n`,
    says: ["ratchet.rule is missing", "val_bpb, latency_ms", "`rule: primary`", "`rule: weighted`"],
  },
  {
    title: "rule weighted without weights",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: weighted, ",
    ),
    says: [
      "ratchet.rule: weighted needs ratchet.weights",
      "weights: { val_bpb: 1, latency_ms: 1 }",
    ],
  },
  {
    title: "weights with rule primary",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: primary, weights: { val_bpb: 1 }, ",
    ),
    says: ["ratchet.weights is set but ratchet.rule is primary", "`rule: weighted`"],
  },
  {
    title: "a weight for something that is not an objective",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: weighted, weights: { val_bpb: 1, cost: 2 }, ",
    ),
    says: ["ratchet.weights.cost", "is not an objective", "val_bpb, latency_ms"],
  },
  {
    title: "a negative weight",
    text: `${HARNESS}objectives: [{ name: latency_ms, goal: minimize }]\n`.replace(
      "ratchet: { ",
      "ratchet: { rule: weighted, weights: { val_bpb: -1 }, ",
    ),
    says: ["ratchet.weights.val_bpb: -1", "too small"],
  },
  {
    title: "budget longer than max_hours",
    text: edit(VALID, "budget: 5m", "budget: 10h"),
    says: [
      "run.budget: 10h",
      "session.max_hours: 8",
      "set `max_hours: 11` or more",
      "shorten the budget",
    ],
  },
  {
    title: "a zero budget",
    text: edit(VALID, "budget: 5m", "budget: 0s"),
    says: ["run.budget: 0s", "`budget: 5m`"],
  },
  {
    title: "parallel: 0",
    text: edit(VALID, "parallel: 2", "parallel: 0"),
    says: ["session.parallel: 0", "too small", "at least 1", "`parallel: 1`"],
  },
  {
    title: "parallel as text",
    text: edit(VALID, "parallel: 2", "parallel: two"),
    says: ["session.parallel", '"two"', "a number is needed", "`parallel: 1`"],
  },
  {
    title: "a fraction where a whole number is needed",
    text: edit(VALID, "baseline_repeats: 3", "baseline_repeats: 1.5"),
    says: ["ratchet.baseline_repeats: 1.5", "not a whole number", "`baseline_repeats: 3`"],
  },
  {
    title: "proposer: { kind: gpt }",
    text: edit(VALID, "kind: search", "kind: gpt"),
    says: ["proposer.kind", '"gpt"', "`kind: search` or `kind: llm`", "`model:`"],
  },
  {
    title: "proposer without a kind",
    text: edit(VALID, "proposer: { kind: search }", "proposer: { model: gpt-4o-mini }"),
    says: ["proposer.kind is missing", "`kind: search` or `kind: llm`"],
  },
  {
    title: "proposer: { kind: llm } without model",
    text: edit(VALID, "kind: search", "kind: llm"),
    says: ["proposer.model is missing", "under `proposer:`", "`model: gpt-4o-mini`"],
  },
  {
    title: "an llm-only key with kind: search",
    text: edit(VALID, "kind: search", "kind: search, temperature: 0.2"),
    says: [
      "`proposer.temperature`",
      "0.2",
      "not used with `kind: search`",
      "switch to `kind: llm`",
    ],
  },
  {
    title: "a base_url that is not a URL",
    text: edit(VALID, "kind: search", "kind: llm, model: m, base_url: localhost"),
    says: ["proposer.base_url", '"localhost"', "https://"],
  },
  {
    title: "editable: train.py (a string instead of a list)",
    text: edit(VALID, "editable: [train.py]", "editable: train.py"),
    says: ["editable", '"train.py"', "a list is needed", "write `editable: [train.py]`"],
  },
  {
    title: "a mapping given as text",
    text: edit(VALID, "metric: { name: val_bpb, goal: minimize }", "metric: val_bpb"),
    says: ["metric", '"val_bpb"', "mapping", "`metric: { name: val_bpb, goal: minimize }`"],
  },
  {
    title: "a key left empty",
    text: edit(MINIMAL, "run: { command: python3 train.py }", "run:"),
    says: ["run is empty", "`run: { command: python train.py, budget: 5m }`"],
  },
  {
    title: "a number where text is needed",
    text: edit(VALID, "budget: 5m,", "budget: 5m, env: { SEED: 1 },"),
    says: ["run.env.SEED: 1", "text is needed", 'quote it: `SEED: "1"`'],
  },
  {
    title: "a bad environment variable name",
    text: edit(VALID, "budget: 5m,", "budget: 5m, env: { my-var: x },"),
    says: ["run.env", "`my-var`", "letters, digits and _", "`my_var`"],
  },
  {
    title: "a bad metric name",
    text: edit(VALID, "name: val_bpb", "name: val bpb"),
    says: ["metric.name", '"val bpb"', "letters, digits", "`name: val_bpb`"],
  },
  {
    title: "an empty glob",
    text: edit(VALID, "locked: [prepare.py]", "locked: ['']"),
    says: ["locked[0]", '""', "is empty", "`locked: [prepare.py]`"],
  },
  {
    title: "a misspelt required key (not also reported missing)",
    text: edit(VALID, "command: python3 train.py", "comand: python3 train.py"),
    says: ["unknown key `run.comand`", '"python3 train.py"', "rename it to `command`"],
  },
  {
    title: "a misspelt key inside a list item",
    text: `${HARNESS}objectives: [{ nmae: cost, goal: minimize }]\n`,
    says: ["unknown key `objectives[0].nmae`", '"cost"', "did you mean `name`"],
  },
];

describe("loadConfig on a bad file", () => {
  it.each(BAD)("$title: names the key, shows the value, says the fix", ({ text, says, count }) => {
    const error = rejection(text);
    expect(error.problems).toHaveLength(count ?? 1);
    const [first = ""] = says;
    const problem = error.problems.find((p) => p.includes(first)) ?? error.problems.join("\n");
    for (const phrase of says) expect(problem).toContain(phrase);
    for (const p of error.problems) expect(p).not.toMatch(LIBRARY_WORDING);
  });

  it("puts the file name and every problem into the message", () => {
    const text = edit(edit(VALID, "goal: minimize", "goal: lower"), "parallel: 2", "parallel: 0");
    let caught: unknown;
    try {
      loadConfig(text, ".github/autoopt.yml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.file).toBe(".github/autoopt.yml");
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/^\.github\/autoopt\.yml is not valid:\n {2}- /);
    expect(error.message).toContain("metric.goal");
    expect(error.message).toContain("session.parallel");
  });

  it("keeps the underlying error as the cause", () => {
    expect(rejection("version: [1\n").cause).toBeDefined();
    expect(rejection(edit(VALID, "version: 1", "version: 2")).cause).toBeDefined();
  });

  it("reports one problem per YAML line, not the parser's echoes", () => {
    const error = rejection("version: 1\nrun: {command: x\n  bad: [\n");
    const lines = error.problems.map((p) => /at line (\d+)/.exec(p)?.[1]);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe("loadConfig on the sandbox and data keys", () => {
  it("reads sizes with units, data phases and GPU lists", () => {
    const config = loadConfig(
      `${MINIMAL}
data:
  - { path: "~/.cache/d/val.bin", phases: [evaluate] }
sandbox: { containment: bubblewrap, gpus: ["0", "2"], network: true }
`.replace("run: {", "run: { out_limit: 2GiB,"),
    );
    expect(config.run.out_limit).toBe(2 * 2 ** 30);
    expect(config.data).toEqual([{ path: "~/.cache/d/val.bin", phases: ["evaluate"] }]);
    expect(config.sandbox).toMatchObject({
      containment: "bubblewrap",
      gpus: ["0", "2"],
      network: true,
    });
  });

  it("explains a bad size, an unknown phase and an unknown containment", () => {
    const error = rejection(
      `${MINIMAL}
data:
  - { path: data/x, phases: [training] }
sandbox: { containment: docker }
`.replace("run: {", "run: { out_limit: lots,"),
    );
    expect(error.message).toContain("run.out_limit");
    expect(error.message).toContain("not a size");
    expect(error.message).toContain(
      'data[0].phases[0]: "training" is not allowed; use one of run, evaluate, heldout',
    );
    expect(error.message).toContain(
      'sandbox.containment: "docker" is not allowed; use one of auto, bubblewrap, none',
    );
  });
});
