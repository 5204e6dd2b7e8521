import { describeIssues, isRecord, typeName } from "./edit-issues.ts";
import { ProposalArgs } from "./edits.ts";

export type ParsedProposalArgs = { ok: true; args: ProposalArgs } | { ok: false; problem: string };

type ReadJson = { ok: true; value: unknown } | { ok: false; problem: string };

const SHAPE = '{"description": ..., "hypothesis": ..., "edits": [...]}';
const MAX_SENTENCES = 8;

/**
 * Reads the JSON arguments of a `submit_proposal` call. A rejection's `problem` says what is wrong
 * and how to fix it, naming the field (`edits[2].search is missing; …`), so it can go back to the
 * model as is.
 */
export function parseProposalArgs(json: string): ParsedProposalArgs {
  const read = readJson(json);
  if (!read.ok) return read;
  if (!isRecord(read.value)) {
    const problem = `the submit_proposal arguments are ${typeName(read.value)}, but they must be one JSON object ${SHAPE}.`;
    return { ok: false, problem };
  }
  const parsed = ProposalArgs.safeParse(read.value);
  if (parsed.success) return { ok: true, args: parsed.data };
  const sentences = describeIssues(parsed.error.issues, read.value);
  return { ok: false, problem: summarize(sentences) };
}

function summarize(sentences: string[]): string {
  if (sentences.length === 1) return sentences[0] ?? "";
  const shown = sentences.slice(0, MAX_SENTENCES).map((s) => `- ${s}`);
  const more = sentences.length - shown.length;
  if (more > 0) shown.push(`- and ${more} more problem${more === 1 ? "" : "s"} like these.`);
  return [`the submit_proposal arguments have ${sentences.length} problems:`, ...shown].join("\n");
}

function readJson(json: string): ReadJson {
  const text = json.trim();
  if (text === "") {
    return { ok: false, problem: `the submit_proposal arguments are empty; send ${SHAPE}.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: describeBadJson(text, error) };
  }
}

function describeBadJson(text: string, error: unknown): string {
  if (text.startsWith("```")) {
    return `the submit_proposal arguments are wrapped in a code fence; send only the JSON object ${SHAPE}, without \`\`\` around it.`;
  }
  if (!/^[{["]/.test(text)) {
    return `the submit_proposal arguments are not JSON (they begin ${quote(text, 40)}); send only the JSON object ${SHAPE}, with no prose around it.`;
  }
  if (isCutOff(text)) {
    return `the submit_proposal arguments are cut off: the JSON ends after ${text.length} characters, before it is complete (probably the answer got too long). Send the complete JSON object, with fewer or shorter edits — prefer search/replace edits to whole-file content.`;
  }
  return `the submit_proposal arguments are not valid JSON${near(text, error)}; check the quotes and commas, and escape newlines, quotes and backslashes inside strings (\\n, \\", \\\\).`;
}

/** True when the text is JSON that stops inside a string or with brackets still open. */
export function isCutOff(text: string): boolean {
  const open: string[] = [];
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (escaped) escaped = false;
    else if (inString) {
      if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") open.push(ch === "{" ? "}" : "]");
    else if ((ch === "}" || ch === "]") && open.pop() !== ch) return false;
  }
  return inString || open.length > 0;
}

/** ` near character 41: "…"`, from the position in the parser's error, when it gives one. */
function near(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const at = /position (\d+)/.exec(message)?.[1];
  if (at === undefined) return "";
  const position = Number(at);
  const around = text.slice(Math.max(0, position - 30), position + 10);
  return ` near character ${position}: ${quote(around, 40)}`;
}

function quote(text: string, max: number): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
