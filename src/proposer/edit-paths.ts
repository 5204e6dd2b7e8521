/** Which paths the caller lets a proposal write: its editable globs minus its locked ones. */
export interface EditScope {
  isEditable(path: string): boolean;
}

/** Folders no proposal may ever write into, whatever the editable globs say (in any case). */
const FORBIDDEN_TOP = ".github";
const FORBIDDEN_ANYWHERE = ".git";

type Rule = { breaks: (path: string, segments: readonly string[]) => boolean; problem: string };

/** In order: the first rule a path breaks is the one reported. */
const RULES: readonly Rule[] = [
  {
    breaks: (path) => path === "",
    problem:
      'the path is empty; give the file\'s path relative to the repository root, e.g. "train.py"',
  },
  {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
    breaks: (path) => /[\u0000-\u001f\u007f]/.test(path),
    problem:
      "the path contains a control character (NUL, newline, tab or similar); use the file's plain path",
  },
  {
    breaks: (path) => path.includes("\\"),
    problem: 'the path has a backslash; write it with forward slashes, e.g. "src/model.py"',
  },
  {
    breaks: (path) => path.startsWith("/"),
    problem: "the path is absolute; give it relative to the repository root, without the leading /",
  },
  {
    breaks: (_, segments) => segments.includes(""),
    problem: 'the path has an empty segment ("//" or a trailing /); write it like "src/model.py"',
  },
  {
    breaks: (_, segments) => segments.includes(".."),
    problem: 'the path goes up with ".."; only files inside the repository may change',
  },
  {
    breaks: (_, segments) => segments.includes("."),
    problem: 'the path has a "." segment; write it without "./", e.g. "src/model.py"',
  },
  {
    breaks: (_, segments) => segments[0]?.toLowerCase() === FORBIDDEN_TOP,
    problem:
      "the path is under .github/, which a proposal may never change; change only editable files",
  },
  {
    breaks: (_, segments) => segments.some((s) => s.toLowerCase() === FORBIDDEN_ANYWHERE),
    problem:
      "the path is inside a .git folder, which a proposal may never change; change only editable files",
  },
];

/**
 * What is wrong with a path an edit names, apart from the caller's scope, as the rest of a sentence
 * ("the path …"); undefined when it is a plain relative POSIX path inside the repository.
 */
export function pathRuleProblem(path: string): string | undefined {
  const segments = path.split("/");
  return RULES.find((rule) => rule.breaks(path, segments))?.problem;
}

/** True when a path passes every rule and the caller's scope. */
export function isWritablePath(path: string, scope: EditScope): boolean {
  return pathRuleProblem(path) === undefined && scope.isEditable(path);
}
