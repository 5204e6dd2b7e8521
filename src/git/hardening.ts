/**
 * Config every git call gets on top of the repository's own, at command scope (which beats
 * repository, worktree and included config). Each entry names a program git would otherwise
 * run, or a path to one, from config that a run could have written.
 */
export const HARDENED_CONFIG: ReadonlyArray<readonly [key: string, value: string]> = [
  // Every hook (post-checkout, reference-transaction, post-index-change, pre-auto-gc, ...).
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["core.sshCommand", "ssh"],
  // Empty values switch these off; an empty credential.helper also clears the list before it.
  ["core.askPass", ""],
  ["credential.helper", ""],
  ["core.pager", "cat"],
  ["core.editor", ":"],
  ["sequence.editor", ":"],
  ["core.alternateRefsCommand", "exit 0"],
  ["commit.gpgSign", "false"],
  ["tag.gpgSign", "false"],
  ["log.showSignature", "false"],
  // ext:: runs a command; git:// goes through core.gitProxy, where the first (repository) entry wins.
  ["protocol.ext.allow", "never"],
  ["protocol.git.allow", "never"],
  // Submodules carry config of their own; gc and maintenance would start detached git processes.
  ["submodule.recurse", "false"],
  ["fetch.recurseSubmodules", "false"],
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
  // With global config off, the safe.directory entries actions/checkout and users write there
  // are not read, and a workspace owned by another user (a container job) would be refused.
  // Ownership guards against config that runs programs, which this list already makes inert.
  ["safe.directory", "*"],
];

/**
 * Drivers are named by attributes (from the tree, `.git/info/attributes`) and defined under any
 * name in config, so no fixed list can switch them off: the names a repository defines are
 * listed first, and each gets an override that makes it inert.
 */
export function driverOverrides(names: readonly string[]): Array<readonly [string, string]> {
  return names.flatMap((name): Array<readonly [string, string]> => {
    const key = name.toLowerCase();
    if (/^filter\..*\.(clean|smudge|process)$/s.test(key)) return [[name, ""]];
    // A required filter without a command fails the checkout; not required, content passes as is.
    if (/^filter\..*\.required$/s.test(key)) return [[name, "false"]];
    // A shell builtin: the merge is reported as a conflict, which callers already handle.
    if (/^merge\..*\.driver$/s.test(key)) return [[name, "exit 1"]];
    if (/^remote\..*\.uploadpack$/s.test(key)) return [[name, "git-upload-pack"]];
    if (/^remote\..*\.receivepack$/s.test(key)) return [[name, "git-receive-pack"]];
    return [];
  });
}

/**
 * Subcommands (and shapes of them) that never convert content between the work tree and the
 * object store, merge, or talk to a remote, so no driver can run. Anything not listed is
 * treated as one that can: a new call is safe before it is fast.
 */
const DRIVERLESS: Readonly<Record<string, (args: readonly string[]) => boolean>> = {
  "rev-parse": () => true,
  "update-ref": () => true,
  "ls-tree": () => true,
  "ls-files": () => true,
  "for-each-ref": () => true,
  "merge-base": () => true,
  "commit-tree": () => true,
  "write-tree": () => true,
  "diff-tree": (a) => !a.includes("--textconv") && !a.includes("--ext-diff"),
  "show-ref": () => true,
  "symbolic-ref": () => true,
  config: () => true,
  "cat-file": (a) => !a.includes("--filters") && !a.includes("--textconv"),
  "read-tree": (a) => !a.includes("-u"),
  worktree: (a) => a[0] === "prune" || a[0] === "list",
  // Without a path, stdin is hashed as it is.
  "hash-object": (a) =>
    a.includes("--no-filters") || (a.includes("--stdin") && !a.some((x) => x.startsWith("--path"))),
  // Index entries given as (mode, object, path) are recorded without reading any file.
  "update-index": (a) =>
    (a.includes("--cacheinfo") || a.includes("--index-info")) &&
    !a.some((x) => x === "--refresh" || x === "--really-refresh" || x === "--again"),
};

/** Global options that take their value as the next argument. */
const GLOBAL_WITH_VALUE = new Set(["-c", "-C", "--git-dir", "--work-tree", "--namespace"]);

/** Whether git could run a filter, merge or upload-pack driver for these arguments. */
export function mayRunDrivers(args: readonly string[]): boolean {
  let i = 0;
  while (i < args.length && args[i]?.startsWith("-")) {
    i += GLOBAL_WITH_VALUE.has(args[i] ?? "") ? 2 : 1;
  }
  const sub = args[i];
  const safe = sub === undefined ? undefined : DRIVERLESS[sub];
  return !safe?.(args.slice(i + 1));
}

/** The config pairs as GIT_CONFIG_COUNT variables: keys and values need no quoting there. */
export function configVars(
  pairs: ReadonlyArray<readonly [string, string]>,
): Record<string, string> {
  const vars: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], n) => {
    vars[`GIT_CONFIG_KEY_${n}`] = key;
    vars[`GIT_CONFIG_VALUE_${n}`] = value;
  });
  return vars;
}
