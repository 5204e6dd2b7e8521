import { parseDocument, type YAMLError } from "yaml";
import { Config } from "./config.ts";
import { ConfigError } from "./config-error.ts";
import { describeIssues } from "./describe-issue.ts";
import { findContradictions } from "./find-contradictions.ts";
import { show } from "./key-hints.ts";

export { findContradictions } from "./find-contradictions.ts";

const NEEDS = "`version: 1`, `editable:`, `run: { command: … }` and `metric:`";

/**
 * Parses and validates the text of an autoopt.yml. Throws a ConfigError listing every problem
 * with the key, the bad value, what is allowed and how to fix it.
 */
export function loadConfig(text: string, file = "autoopt.yml"): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, describeYamlErrors(doc.errors, text), { cause: doc.errors[0] });
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    throw new ConfigError(file, [`YAML: ${String(error)} — simplify the anchors and aliases`], {
      cause: error,
    });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(file, [describeNotMapping(raw)]);
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(file, describeIssues(parsed.error.issues, raw), { cause: parsed.error });
  }
  const contradictions = findContradictions(parsed.data);
  if (contradictions.length > 0) throw new ConfigError(file, contradictions);
  return parsed.data;
}

function describeNotMapping(raw: unknown): string {
  if (raw === null || raw === undefined) {
    return `the file is empty; it needs at least ${NEEDS} — run \`autoopt init\` to write one`;
  }
  const found = Array.isArray(raw)
    ? `a list (${show(raw)}); remove the leading \`- \` so each top-level line is \`key: value\``
    : `just the value ${show(raw)}`;
  return `the file is ${found}; it must be a mapping of keys such as ${NEEDS} — run \`autoopt init\` to write one`;
}

/** One line per YAML error: where, what the parser saw, the line itself, and what usually fixes it. */
function describeYamlErrors(errors: readonly YAMLError[], text: string): string[] {
  const lines = text.split(/\r?\n/);
  const seenLines = new Set<number>();
  const out: string[] = [];
  for (const error of errors) {
    const at = error.linePos?.[0];
    // Later errors on a line already reported are usually echoes of the first.
    if (at && seenLines.has(at.line)) continue;
    if (at) seenLines.add(at.line);
    const reason = (error.message.split("\n")[0] ?? "")
      .replace(/ at line \d+, column \d+:?$/, "")
      .replace(/; please use YAML\.parseAllDocuments\(\)/, "");
    const source = at ? lines[at.line - 1]?.trim() : undefined;
    const where = at ? `line ${at.line}, column ${at.col}` : "an unknown place";
    const quoted = source ? ` — in \`${source}\`` : " (at the end of the file)";
    out.push(
      `YAML syntax error at ${where}: ${reason}${at ? quoted : ""}; ${yamlFix(error.code, reason)}`,
    );
  }
  return out;
}

function yamlFix(code: YAMLError["code"], reason: string): string {
  const unclosed = /end with an? ([\]}])/.exec(reason)?.[1];
  if (unclosed) {
    const open = unclosed === "]" ? "[" : "{";
    return `a \`${open}\` opened on this or an earlier line is never closed — add the \`${unclosed}\` at the end of that line`;
  }
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once in a mapping — remove or merge the repeated key";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "MULTIPLE_DOCS":
      return "keep one document — remove the extra `---` line and merge what follows into the mapping above";
    case "BAD_DQ_ESCAPE":
      return "put the value in single quotes instead, or double each backslash";
    case "BLOCK_IN_FLOW":
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return 'quote a value that contains `: ` (e.g. `command: "python x.py --a: 1"`), or un-indent the next line if it is indented deeper than its key';
    default:
      return "check the indentation there, that every `[` and `{` is closed, and that values containing `: ` or ` #` are quoted";
  }
}
