import { type EditScope, pathRuleProblem } from "../edit-paths.ts";
import { eolOf, replaceOnce, toEol } from "./edit-match.ts";
import { type Edit, isWholeFileEdit } from "./edits.ts";

export type ApplyResult =
  | { ok: true; changed: Map<string, string> }
  | { ok: false; problems: string[] };

const SHOWN_FILES = 8;

/**
 * Applies a proposal's edits, in order, to the editable files (path → content) without touching
 * them. Every path is checked first: one outside the rules or the scope rejects the whole proposal.
 * `changed` holds only files whose content differs from `files`. Each problem is a sentence for the
 * model, naming the edit (`edits[2] ("train.py")`) and how to fix it.
 */
export function applyEdits(
  files: ReadonlyMap<string, string>,
  edits: readonly Edit[],
  scope: EditScope,
): ApplyResult {
  const pathProblems = edits.flatMap((edit, i) => checkPath(edit.path, i, files, scope));
  if (pathProblems.length > 0) return { ok: false, problems: pathProblems };
  const work = new Map(files);
  const touched = new Set<string>();
  const problems: string[] = [];
  edits.forEach((edit, i) => {
    const problem = applyOne(work, edit, touched.has(edit.path));
    if (problem) problems.push(`${label(edit.path, i)}: ${problem}.`);
    touched.add(edit.path);
  });
  if (problems.length > 0) return { ok: false, problems };
  const changed = new Map([...work].filter(([path, text]) => files.get(path) !== text));
  if (changed.size > 0) return { ok: true, changed };
  const problem =
    "the edits change nothing: the files would be exactly as they are now; propose a real change.";
  return { ok: false, problems: [problem] };
}

function checkPath(
  path: string,
  i: number,
  files: ReadonlyMap<string, string>,
  scope: EditScope,
): string[] {
  const rule = pathRuleProblem(path);
  if (rule) return [`${label(path, i)}: ${rule}.`];
  if (!scope.isEditable(path)) {
    const known = [...files.keys()].sort().slice(0, SHOWN_FILES);
    const some = known.length > 0 ? `, such as ${known.join(", ")}` : "";
    return [
      `${label(path, i)}: the file is not editable (outside the editable files, or locked); change only editable files${some}.`,
    ];
  }
  const twin = files.has(path) ? undefined : caseTwin(path, files);
  if (twin !== undefined) {
    return [`${label(path, i)}: the path differs only in case from the file ${twin}; use ${twin}.`];
  }
  return [];
}

/** Applies one edit to `work`; the rest of a sentence on what went wrong, or undefined. */
function applyOne(work: Map<string, string>, edit: Edit, touched: boolean): string | undefined {
  const current = work.get(edit.path);
  if (isWholeFileEdit(edit)) {
    const eol = current === undefined ? undefined : eolOf(current);
    work.set(edit.path, eol ? toEol(edit.content, eol) : edit.content);
    return undefined;
  }
  if (current === undefined) {
    return 'the file does not exist, so there is nothing to search in; to create it, send {"path", "content"} with its whole text';
  }
  const result = replaceOnce(current, edit.search, edit.replace);
  if (result.ok) {
    work.set(edit.path, result.text);
    return undefined;
  }
  const after =
    " (earlier edits in this proposal already changed this file: search must match its text after them)";
  return result.problem + (touched && result.reason === "not-found" ? after : "");
}

function caseTwin(path: string, files: ReadonlyMap<string, string>): string | undefined {
  const folded = path.toLowerCase();
  return [...files.keys()].find((known) => known.toLowerCase() === folded);
}

function label(path: string, i: number): string {
  return `edits[${i}] (${JSON.stringify(path)})`;
}
