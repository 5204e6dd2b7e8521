import { z } from "zod";
import { ByteSize } from "./byte-size.ts";
import { Duration } from "./duration.ts";

const Glob = z.string().min(1, "a glob may not be empty");

export const Goal = z.enum(["minimize", "maximize"]);
export type Goal = z.infer<typeof Goal>;

/** A metric name as a run reports it (`val_bpb`, `accuracy`). */
const MetricName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.-]*$/,
    "a metric name is letters, digits, _, . or -, starting with a letter or _",
  );

export const Objective = z.strictObject({
  name: MetricName,
  goal: Goal,
});
export type Objective = z.infer<typeof Objective>;

/** A further objective of harness mode, optionally a constraint the ratchet enforces. */
export const ExtraObjective = Objective.extend({
  limit: z.number().optional().meta({
    description:
      "A bound a candidate must respect to be kept: at most `limit` when minimizing, at least `limit` when maximizing.",
  }),
});
export type ExtraObjective = z.infer<typeof ExtraObjective>;

const EnvName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "an environment variable name is letters, digits and _, not starting with a digit",
  );

export const RunConfig = z.strictObject({
  command: z.string().trim().min(1, "run.command may not be empty"),
  budget: Duration.default(300).meta({ description: "Handed to the run as AUTOOPT_BUDGET_S." }),
  grace: Duration.default(60).meta({
    description: "The whole process group is killed at budget + grace; the run is then a timeout.",
  }),
  evaluate: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: "Evaluator command, run as a separate process; its metrics win." }),
  env: z
    .record(EnvName, z.string())
    .default({})
    .meta({ description: "Fixed variables given to the run." }),
  pass_env: z
    .array(EnvName)
    .default([])
    .meta({ description: "Names of variables passed through from autoopt's environment." }),
  log_limit: z
    .number()
    .int()
    .min(4096)
    .default(8 * 1024 * 1024)
    .meta({ description: "Bytes of run.log kept (head and tail)." }),
  out_limit: ByteSize.default(512 * 2 ** 20).meta({
    description:
      "Most bytes a run may leave in $AUTOOPT_OUT; beyond it the run is a crash and its outputs are not kept.",
  }),
});

/** The phases of one experiment that may read a declared data path. */
export const DataPhase = z.enum(["run", "evaluate", "heldout"]);
export type DataPhase = z.infer<typeof DataPhase>;

export const DataEntry = z.strictObject({
  path: z.string().trim().min(1).meta({
    description:
      "A file or folder: relative to the repository root (a file of the checkout), or absolute, or starting with ~/ or $VAR/ (e.g. ~/.cache/data/val.bin).",
  }),
  phases: z
    .array(DataPhase)
    .min(1, "list the phases that may read it: run, evaluate, heldout")
    .meta({
      description:
        "Who may read it: run (the experiment command of a search run), evaluate (the evaluator), heldout (held-out runs). Everyone else sees an empty file or folder.",
    }),
});
export type DataEntry = z.infer<typeof DataEntry>;

export const SandboxConfig = z.strictObject({
  containment: z.enum(["auto", "bubblewrap", "none"]).default("auto").meta({
    description:
      "auto: contain every candidate process with bubblewrap, or run uncontained with a warning where it cannot run (locally only; on GitHub auto means bubblewrap). bubblewrap: refuse to run without it. none: run uncontained on purpose.",
  }),
  network: z
    .boolean()
    .default(false)
    .meta({ description: "Whether candidate processes may use the network." }),
  read_only: z.array(z.string().trim().min(1)).default([]).meta({
    description:
      "More host paths a run may read although they lie in a hidden place (HOME, the repository): toolchains, model caches. ~/ and $VAR/ are expanded.",
  }),
  hide: z.array(z.string().trim().min(1)).default([]).meta({
    description: "More host paths no candidate process may see.",
  }),
  gpus: z
    .union([
      z.literal("auto"),
      z.literal("none"),
      z.array(z.string().regex(/^\d+$/, "a GPU index such as 0")),
    ])
    .default("auto")
    .meta({
      description:
        "GPUs experiments may use: auto (those nvidia-smi lists), none, or a list of indices. Each parallel experiment gets its own.",
    }),
  gpus_per_experiment: z.number().int().min(1).default(1),
  share_gpus: z
    .boolean()
    .default(false)
    .meta({ description: "Let parallel experiments share GPUs when there are too few." }),
});

export const RatchetRule = z.enum(["primary", "weighted"]);
export type RatchetRule = z.infer<typeof RatchetRule>;

export const RatchetConfig = z.strictObject({
  rule: RatchetRule.optional().meta({
    description:
      "How candidates are compared when there are several objectives. primary: by metric alone, kept only within every objective's limit. weighted: by the score Σ weight·value (minimized objectives subtracted), also within the limits.",
  }),
  weights: z
    .record(MetricName, z.number().positive("a weight is a positive number"))
    .optional()
    .meta({
      description:
        "rule: weighted only: a positive weight per objective (metric or objectives); the goal gives the sign.",
    }),
  min_delta: z.number().min(0).default(0),
  baseline_repeats: z.number().int().min(1).max(50).default(1),
  noise_sigmas: z.number().min(0).default(2),
  confirm: z.number().int().min(0).max(20).default(0),
});

export const SessionConfig = z.strictObject({
  max_experiments: z.number().int().min(1).default(100),
  max_hours: z.number().positive().default(12),
  parallel: z.number().int().min(1).max(64).default(1),
  propose_ahead: z
    .union([z.literal("auto"), z.number().int().min(0).max(64)])
    .default("auto")
    .meta({
      description:
        "Proposals made ahead while every slot is busy, so that a run's end starts the next experiment at once (at most parallel). auto: up to parallel, while proposing takes at least a quarter of a run's time; 0: never, each proposal sees every result before it.",
    }),
  plateau: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: "Stop after this many experiments in a row without a keep." }),
  seed: z.number().int().default(0),
});

export const SearchProposerConfig = z.strictObject({
  kind: z.literal("search"),
  max_changes: z.number().int().min(1).max(4).default(2),
});

export const LlmProposerConfig = z.strictObject({
  kind: z.literal("llm"),
  model: z.string().min(1),
  base_url: z
    .url()
    .optional()
    .meta({ description: "An OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenRouter…)." }),
  api_key_env: EnvName.default("OPENAI_API_KEY"),
  temperature: z.number().min(0).max(2).optional(),
  max_output_tokens: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "max_tokens of each completion call." }),
  max_tokens_per_proposal: z.number().int().positive().default(200_000).meta({
    description: "Prompt + completion tokens one proposal may use, from the API's usage.",
  }),
  max_tokens_per_session: z.number().int().positive().optional().meta({
    description: "Tokens the whole session may use; the session stops cleanly when spent.",
  }),
  prompt_tokens: z.number().int().min(2000).default(24_000).meta({
    description: "Budget of the assembled first prompt; older detail moves behind the tools.",
  }),
  max_tool_calls: z.number().int().min(0).max(500).default(30),
  max_attempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .meta({ description: "Tries per proposal when the model's output is rejected." }),
  timeout: Duration.default(600).meta({ description: "Wall-clock limit of one proposal." }),
  precheck: z.string().trim().min(1).optional().meta({
    description:
      "Command run on a proposal before it is accepted, e.g. python3 -m py_compile train.py.",
  }),
});

/** GitHub mode: where experiments run. */
export const RunnerConfig = z.strictObject({
  workflow: z
    .string()
    .regex(
      /^[\w.-]+\.ya?ml$/,
      "a workflow file name in .github/workflows, e.g. autoopt-experiment.yml",
    )
    .default("autoopt-experiment.yml"),
  runs_on: z
    .array(z.string().min(1))
    .min(1)
    .default(["self-hosted", "gpu"])
    .meta({ description: "Labels of the self-hosted runners that run experiments." }),
  action: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w./-]+$/, "owner/repo@ref, e.g. autoopt/autoopt@v1")
    .default("autoopt/autoopt@v1")
    .meta({ description: "The autoopt action the experiment workflow uses." }),
  retention_days: z.number().int().min(1).max(90).default(30),
});

export const ProposerConfig = z.discriminatedUnion("kind", [
  SearchProposerConfig,
  LlmProposerConfig,
]);

export const Config = z
  .strictObject({
    version: z.literal(1),
    mode: z.enum(["train", "harness"]).default("train"),
    program: z.string().min(1).default("program.md"),
    editable: z.array(Glob).min(1, "list at least one editable file or glob"),
    locked: z.array(Glob).default([]),
    run: RunConfig,
    metric: Objective,
    objectives: z.array(ExtraObjective).default([]),
    ratchet: RatchetConfig.prefault({}),
    session: SessionConfig.prefault({}),
    proposer: ProposerConfig.default({ kind: "search", max_changes: 2 }),
    runner: RunnerConfig.prefault({}),
    sandbox: SandboxConfig.prefault({}),
    data: z.array(DataEntry).default([]).meta({
      description:
        "Data files declared with the phases that may read them; the others see them empty. Undeclared files of the checkout are visible to every phase.",
    }),
    promotion: z
      .strictObject({
        heldout: z.string().trim().min(1).optional().meta({
          description:
            "Command that evaluates on the held-out split (AUTOOPT_SPLIT=heldout), run only for promotion; its results never reach the proposer.",
        }),
      })
      .prefault({}),
  })
  .meta({ title: "autoopt.yml", description: "Configuration of an autoopt optimization session." });

export type Config = z.infer<typeof Config>;
/** What a user writes: durations as text, defaults omitted. */
export type ConfigInput = z.input<typeof Config>;
