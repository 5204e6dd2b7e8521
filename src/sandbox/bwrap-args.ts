import { isAbsolute, relative, resolve, sep } from "node:path";
import type { SandboxSpec } from "./sandbox-spec.ts";

export type PathKind = "dir" | "file" | "missing";

/** Scratch places every sandbox gets fresh and empty, whatever the spec says. */
const PRIVATE_DIRS = ["/tmp", "/var/tmp", "/dev/shm", "/run"];

/**
 * The bubblewrap command line for a spec. Order matters: bubblewrap applies mounts left to
 * right, so the read-only root comes first, then the private and hidden places, then what is
 * bound back in, then the masks inside those binds.
 */
export function bwrapArgs(
  spec: SandboxSpec,
  kindOf: (path: string) => PathKind,
  /** An empty, read-only host file that hidden files are replaced with. */
  emptyFile: string,
): [string, ...string[]] {
  const hide = (path: string): string[] => {
    const kind = kindOf(path);
    if (kind === "dir") return ["--tmpfs", path];
    // Not /dev/null: a device node bound onto a nodev mount cannot be opened at all.
    if (kind === "file") return ["--ro-bind", emptyFile, path];
    return [];
  };
  const args: string[] = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  for (const dir of PRIVATE_DIRS) if (kindOf(dir) === "dir") args.push("--tmpfs", dir);
  for (const path of byDepth(spec.hidden)) args.push(...hide(path));
  const readOnly = [...spec.readOnly, ...toolRoots(spec.env.PATH ?? "", spec.hidden)];
  for (const path of byDepth(readOnly)) args.push("--ro-bind-try", path, path);
  for (const path of byDepth(spec.writable)) args.push("--bind", path, path);
  for (const path of byDepth(spec.masked)) args.push(...hide(path));
  for (const device of spec.devices) args.push("--dev-bind-try", device, device);
  args.push("--unshare-all");
  if (spec.network) args.push("--share-net");
  args.push("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--chdir", spec.cwd);
  return ["bwrap", ...args, "--", "/bin/sh", "-c", spec.command];
}

/** Outer places first, so that a bind inside a hidden folder lands on top of the empty folder. */
function byDepth(paths: readonly string[]): string[] {
  const unique = [...new Set(paths.map((p) => resolve(p)))];
  return unique.sort((a, b) => a.split(sep).length - b.split(sep).length || a.localeCompare(b));
}

/**
 * The tools the command finds on its PATH must keep working when they live in a hidden folder
 * (pyenv and ~/.local/bin under HOME, a virtualenv or node_modules/.bin in the repository): for
 * each such PATH entry, the top folder below the innermost hidden one is bound back read-only —
 * never a folder that holds another hidden place, which binding it back would expose.
 */
export function toolRoots(pathVar: string, hidden: readonly string[]): string[] {
  const dirs = hidden.map((dir) => resolve(dir));
  const roots = new Set<string>();
  for (const entry of pathVar.split(":")) {
    if (!isAbsolute(entry)) continue;
    const inside = dirs
      .map((dir) => ({ dir, rel: relative(dir, resolve(entry)) }))
      .filter(({ rel }) => rel !== "" && !rel.startsWith("..") && !isAbsolute(rel))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
    if (!inside) continue;
    const root = resolve(inside.dir, inside.rel.split(sep)[0] ?? "");
    if (!dirs.some((dir) => dir !== root && dir.startsWith(root + sep))) roots.add(root);
  }
  return [...roots];
}
