/** An entry of a tree, as `git ls-tree` shows it. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
}

/** git in the forge's repository, with its output as text or as bytes. */
export interface TreeReader {
  git(args: readonly string[]): Promise<string>;
  gitBuffer(args: readonly string[], input: string): Promise<Buffer>;
}

export function hasLineBreak(path: string): boolean {
  return /[\r\n]/.test(path);
}

/** The files of a commit that exist there, read by one `cat-file --batch`. */
export async function readBlobs(
  reader: TreeReader,
  sha: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  // A batch line cannot hold a line break; such a path is looked up on its own.
  const batched = paths.filter((path) => !hasLineBreak(path));
  for (const path of paths.filter(hasLineBreak)) {
    const text = await reader.git(["cat-file", "blob", `${sha}:${path}`]).catch(() => undefined);
    if (text !== undefined) files.set(path, text);
  }
  if (batched.length === 0) return files;
  const input = batched.map((path) => `${sha}:${path}\n`).join("");
  const out = await reader.gitBuffer(["cat-file", "--batch"], input);
  let at = 0;
  for (const path of batched) {
    const end = out.indexOf(10, at);
    if (end < 0) break;
    const header = out.subarray(at, end).toString("utf8");
    at = end + 1;
    // `<oid> <type> <size>` then the content; `<name> missing` for what the commit lacks.
    const [, type, size] = header.split(" ");
    if (header.endsWith(" missing") || header.endsWith(" ambiguous") || size === undefined)
      continue;
    const bytes = Number(size);
    if (type === "blob") files.set(path, out.subarray(at, at + bytes).toString("utf8"));
    at += bytes + 1;
  }
  return files;
}

/** The entries of `paths` in the tree of `sha`, by one `ls-tree`; a path it lacks has none. */
export async function treeEntries(
  reader: TreeReader,
  sha: string,
  paths: readonly string[],
): Promise<Map<string, TreeEntry>> {
  const out = await reader.git(["ls-tree", "-z", sha, "--", ...paths]);
  const entries = new Map<string, TreeEntry>();
  for (const line of out.split("\0").filter(Boolean)) {
    // `<mode> SP <type> SP <object> TAB <path>`
    const tab = line.indexOf("\t");
    const [mode = "", type = "", oid = ""] = line.slice(0, tab).split(" ");
    entries.set(line.slice(tab + 1), { mode, type, oid });
  }
  return entries;
}
