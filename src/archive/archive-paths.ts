/**
 * Paths as the model writes them, checked before anything touches the disk. Every refusal says
 * how to write the path instead, because the model reads the message and retries.
 */
export type ParsedPath =
  | { ok: true; segments: string[]; rel: string }
  | { ok: false; error: string };

export function parseVirtualPath(input: string): ParsedPath {
  if (input.includes("\0")) return { ok: false, error: "the path contains a NUL byte" };
  // Models sometimes write Windows separators; on the archive they can only mean "/".
  const path = input.trim().replaceAll("\\", "/");
  if (path.startsWith("/") || path.startsWith("~") || /^[A-Za-z]:/.test(path))
    return {
      ok: false,
      error: `absolute paths are not allowed ("${input}"); give a path relative to the archive root, e.g. exp-3/run.log or candidate/train.py`,
    };
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes(".."))
    return {
      ok: false,
      error: `".." is not allowed ("${input}"): paths stay inside the archive; give the path from the archive root, e.g. exp-3/run.log`,
    };
  return { ok: true, segments, rel: segments.join("/") };
}

/** Files the engine keeps in the session folder that are not part of the archive. */
export interface HiddenRules {
  /** Paths never shown, with all they hold (the index's own database files). */
  paths: ReadonlySet<string>;
  /** Extra paths the caller keeps from the model, e.g. held-out results. */
  extra?: (relativePath: string) => boolean;
}

/** The session folder where the lead writes held-out results; never shown, never indexed. */
export const HELDOUT_FOLDER = "heldout";
const ROOT_NEVER = new Set(["worktrees", "session.lock", HELDOUT_FOLDER]);

/**
 * Whether a path, or any folder above it, is kept from the model: transient worktrees (they hold
 * checkouts, not records), the lock, held-out results (scoring on them must stay blind), the
 * index, half-written `*.tmp` files, and whatever the caller hides.
 */
export function isHiddenPath(segments: readonly string[], rules: HiddenRules): boolean {
  let path = "";
  for (const [i, name] of segments.entries()) {
    path = i === 0 ? name : `${path}/${name}`;
    if (isHiddenEntry(path, name, i === 0, rules)) return true;
  }
  return false;
}

/** Checks one entry by its full path and name, for walks that already checked the folders above. */
export function isHiddenEntry(
  path: string,
  name: string,
  atRoot: boolean,
  rules: HiddenRules,
): boolean {
  if (atRoot && ROOT_NEVER.has(name)) return true;
  if (name.endsWith(".tmp")) return true;
  return rules.paths.has(path) || (rules.extra?.(path) ?? false);
}

/** The database file at `path` and the files SQLite keeps beside it. */
export function databaseFiles(path: string): string[] {
  return ["", "-wal", "-shm", "-journal"].map((suffix) => `${path}${suffix}`);
}
