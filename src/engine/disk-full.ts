import { basename, dirname, sep } from "node:path";

/** No space left, or the user's quota spent: either way the cure is room on that disk. */
const CODES = { ENOSPC: "no space left on the device", EDQUOT: "the disk quota is exceeded" };
type Code = keyof typeof CODES;

/** What a child process (git) says for the same errors, its error having no code of ours. */
const WORDS: ReadonlyArray<[RegExp, Code]> = [
  [/no space left on device/i, "ENOSPC"],
  [/disk quota exceeded/i, "EDQUOT"],
];

export interface DiskFull {
  code: Code;
  /** The file the failing call named, when it named one. */
  path?: string;
  /** The outermost message of the chain: what autoopt was doing when the write failed. */
  doing?: string;
}

/** The disk-full failure somewhere in an error's `cause` chain, or undefined when there is none. */
export function findDiskFull(error: unknown): DiskFull | undefined {
  let doing: string | undefined;
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 16; depth++) {
    const { code, path, message, cause } = e as {
      code?: unknown;
      path?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    const text = typeof message === "string" ? message : "";
    const place = typeof path === "string" ? { path } : {};
    if (typeof code === "string" && code in CODES)
      return { code: code as Code, ...place, ...(doing ? { doing } : {}) };
    const said = WORDS.find(([words]) => words.test(text));
    if (said) return { code: said[1], ...place, doing: doing ?? firstLine(text) };
    doing ??= text ? firstLine(text) : undefined;
    e = cause;
  }
  return undefined;
}

/**
 * A session ended because a disk filled. Its message is the one a person reads: what was being
 * written, where, and how to go on; nothing is lost that the ledger had recorded.
 */
export class DiskFullError extends Error {
  readonly found: DiskFull;

  constructor(found: DiskFull, session: string, options: { cause: unknown }) {
    super(diskFullMessage(found, session), options);
    this.name = "DiskFullError";
    this.found = found;
  }
}

export function diskFullMessage(found: DiskFull, session: string): string {
  const what = found.doing ?? `cannot write ${nameOf(found.path)}`;
  const where = found.path && !what.includes(found.path) ? ` (${found.path})` : "";
  const check = found.path ? ` (\`df -h ${dirname(found.path)}\` shows what is left)` : "";
  return (
    `the disk is full (${found.code}: ${CODES[found.code]}): ${what}${where}. ` +
    `The session stopped; its ledger keeps every step recorded before. ` +
    `Free space on that disk${check}, then resume with \`autoopt run --session ${session}\`.`
  );
}

function nameOf(path: string | undefined): string {
  if (path === undefined) return "a file of the session";
  if (path.includes(`${sep}worktrees${sep}`)) return "the experiment's worktree";
  const names: Record<string, string> = {
    "ledger.jsonl": "the session's ledger",
    "run.log": "the run's log",
    "result.json": "the run's result.json",
    "results.tsv": "results.tsv",
  };
  return names[basename(path)] ?? `the archive file ${basename(path)}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]?.trim() ?? "";
}
