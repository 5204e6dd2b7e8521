import type { ComparisonData } from "./github-client.ts";

/** GitHub lists at most this many files in a comparison; a list that long may be cut short. */
export const COMPARE_FILE_LIMIT = 300;

/**
 * The paths a comparison changes. A rename changes both its old and its new name. Throws when the
 * list may be incomplete, since a missed path would make a conflict look clean.
 */
export function changedPaths(comparison: ComparisonData, what: string): Set<string> {
  const files = comparison.files ?? [];
  if (files.length >= COMPARE_FILE_LIMIT) {
    throw new Error(
      `${what} changes ${files.length} or more files, the most GitHub's compare API lists; autoopt cannot re-base it safely through the API — keep proposals to fewer files`,
    );
  }
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file.filename);
    if (file.status === "renamed" && file.previous_filename !== undefined)
      paths.add(file.previous_filename);
  }
  return paths;
}

/** Paths in both sets, sorted, for a conflict message. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...a].filter((path) => b.has(path)).sort();
}
