import picomatch from "picomatch";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { Config } from "./config.ts";
import { ConfigError } from "./config-error.ts";
import { describeIssue } from "./describe-issue.ts";

/**
 * Parses and validates the text of an autoopt.yml. Throws a ConfigError listing every problem
 * with the key, the bad value, what is allowed and how to fix it.
 */
export function loadConfig(text: string, file = "autoopt.yml"): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `YAML syntax: ${e.message.split("\n")[0]} — fix the indentation or quoting there`),
      { cause: doc.errors[0] },
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(file, [
      "the file must be a mapping of keys such as `version: 1`, `editable:`, `run:` and `metric:`; run `autoopt init` to write one",
    ]);
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue: z.core.$ZodIssue) => describeIssue(issue, raw)),
      { cause: parsed.error },
    );
  }
  const contradictions = findContradictions(parsed.data);
  if (contradictions.length > 0) throw new ConfigError(file, contradictions);
  return parsed.data;
}

/** Checks that need more than one key at a time. */
export function findContradictions(config: Config): string[] {
  const problems: string[] = [];
  const allGlobs = [...config.editable, ...config.locked];
  for (const glob of allGlobs) {
    if (glob.startsWith("/") || glob.split("/").includes("..")) {
      problems.push(
        `\`${glob}\` points outside the repository; globs are relative to the repository root, e.g. \`train.py\` or \`src/**/*.py\``,
      );
    }
  }
  for (const glob of config.editable) {
    if (/^\.github(\/|$)/.test(glob) || picomatch(glob, { dot: true })(".github/workflows/ci.yml")) {
      problems.push(
        `editable: \`${glob}\` reaches .github/, which autoopt never edits; list only the files the proposer may change`,
      );
    }
    const overlap = config.locked.find((l) => l === glob || picomatch(l, { dot: true })(glob));
    if (overlap) {
      problems.push(
        `\`${glob}\` is both editable and locked (by \`${overlap}\`); a file is one or the other — remove it from one list`,
      );
    }
    if (picomatch(glob, { dot: true })(config.program)) {
      problems.push(
        `editable: \`${glob}\` matches the program file \`${config.program}\`; the human direction is never edited by the proposer`,
      );
    }
  }
  const names = [config.metric.name, ...config.objectives.map((o) => o.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) problems.push(`objectives: \`${dup}\` is listed twice (the metric is the first objective); list each once`);
  if (config.run.budget <= 0) problems.push("run.budget: must be more than 0s, e.g. `budget: 5m`");
  if (config.run.budget > config.session.max_hours * 3600) {
    problems.push(
      `run.budget (${config.run.budget}s) is longer than session.max_hours (${config.session.max_hours}h); not even one experiment fits — raise max_hours or shorten the budget`,
    );
  }
  if (config.mode === "train" && config.objectives.length > 0) {
    problems.push("objectives: only harness mode uses several objectives; set `mode: harness` or remove `objectives`");
  }
  return problems;
}
