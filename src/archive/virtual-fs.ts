import { closeSync, constants, fstatSync, openSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import {
  type HiddenRules,
  isHiddenEntry,
  isHiddenPath,
  parseVirtualPath,
} from "./archive-paths.ts";
import { DirCache } from "./dir-cache.ts";
import { naturalCompare } from "./format.ts";
import { hardLinkRefusal, isHardLink } from "./hard-link.ts";

/** The candidate's files as folders: a name maps to a file's text or a sub-folder. */
type Tree = Map<string, Tree | string>;

export interface FileNode {
  kind: "file";
  path: string;
  /** Where the file is on disk, or its text when it is one of the candidate's files. */
  disk?: string;
  text?: string;
}

export interface DirNode {
  kind: "dir";
  path: string;
  disk?: string;
  tree?: Tree;
  /** A symbolic link: listed, never walked into, so a link loop cannot trap a walk. */
  link?: boolean;
}

export type Node = FileNode | DirNode;

/** The folder where the candidate's in-memory files appear. */
export const CANDIDATE = "candidate";

/**
 * What the model sees: the session folder minus what is hidden, plus `candidate/`. Every path
 * is checked twice: as written (no "..", not absolute, not hidden) and as it really is on disk
 * (its real path stays in the session folder and is not hidden either), so a symbolic link
 * cannot lead out or into a hidden place.
 */
export class VirtualFs {
  private readonly root: string;
  private readonly rules: HiddenRules;
  private readonly candidate: Tree;
  private rootReal: string | undefined;
  private readonly listings = new DirCache();

  constructor(root: string, candidate: ReadonlyMap<string, string>, rules: HiddenRules) {
    this.root = root;
    this.rules = rules;
    this.candidate = buildTree(candidate, (segments) => isHiddenPath(segments, rules));
  }

  resolve(input: string): Node | { error: string } {
    const parsed = parseVirtualPath(input);
    if (!parsed.ok) return { error: parsed.error };
    const notFound = {
      error: `no such file or folder in the archive: "${parsed.rel}"; call list_files to see what there is`,
    };
    const { segments } = parsed;
    if (segments.length === 0) return this.rootNode();
    if (isHiddenPath(segments, this.rules)) return notFound;
    if (segments[0] === CANDIDATE) return this.candidateNode(segments) ?? notFound;
    const node = this.diskNode(parsed.rel, join(this.root, ...segments));
    const names = node?.kind === "file" ? this.names(node) : 1;
    if (node && names > 1) return { error: hardLinkRefusal(node.path, names) };
    return node ?? notFound;
  }

  /** A folder's entries in natural order (exp-2 before exp-10). */
  children(dir: DirNode): Node[] {
    const disk = dir.disk && !dir.link ? this.diskChildren(dir) : [];
    if (!dir.tree) return disk; // already in order
    const out: Node[] = [...dir.tree].map(([name, v]) =>
      typeof v === "string"
        ? { kind: "file", path: join2(dir.path, name), text: v }
        : { kind: "dir", path: join2(dir.path, name), tree: v },
    );
    return out.concat(disk).sort((a, b) => naturalCompare(a.path, b.path));
  }

  /**
   * Every file under a folder, depth first in natural order, not following linked folders.
   * Lazy, so a search that stops early does not walk the rest; a stack rather than nested
   * generators, which cost a frame per level on every file.
   */
  *files(dir: DirNode): Generator<FileNode> {
    const stack: Node[] = [dir];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.kind === "file") yield node;
      else if (node === dir || !node.link) stack.push(...this.children(node).reverse());
    }
  }

  size(file: FileNode): number {
    if (file.text !== undefined) return Buffer.byteLength(file.text);
    try {
      return statSync(file.disk ?? "").size;
    } catch {
      return 0;
    }
  }

  /** How many names a file has on disk: more than one is a hard link, which is never served. */
  names(file: FileNode): number {
    if (file.text !== undefined) return 1;
    return statSync(file.disk ?? "", { throwIfNoEntry: false })?.nlink ?? 1;
  }

  /**
   * Opens a file for reading without following a link swapped in since it was resolved and
   * without blocking on a FIFO; the caller closes the descriptor. A hard link is refused here
   * too, on the opened file itself, whatever was true when the path was resolved.
   */
  openFile(file: FileNode): { fd: number; size: number } {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    const fd = openSync(file.disk ?? "", flags);
    const stat = fstatSync(fd);
    if (!stat.isFile() || isHardLink(stat)) {
      closeSync(fd);
      const why = stat.isFile()
        ? hardLinkRefusal(file.path, stat.nlink)
        : `${file.path} is not a regular file`;
      throw new Error(why);
    }
    return { fd, size: stat.size };
  }

  private rootNode(): DirNode {
    return {
      kind: "dir",
      path: "",
      disk: this.real(),
      tree: new Map([[CANDIDATE, this.candidate]]),
    };
  }

  private candidateNode(segments: string[]): Node | undefined {
    let node: Tree | string = this.candidate;
    for (const name of segments.slice(1)) {
      if (typeof node === "string") return undefined;
      const next: Tree | string | undefined = node.get(name);
      if (next === undefined) return undefined;
      node = next;
    }
    const path = segments.join("/");
    return typeof node === "string"
      ? { kind: "file", path, text: node }
      : { kind: "dir", path, tree: node };
  }

  /** A path on disk if its real location is an allowed part of the archive. */
  private diskNode(path: string, abs: string, link = false): Node | undefined {
    const rootReal = this.real();
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return undefined;
    }
    const inside = relative(rootReal, real);
    if (inside === "" || inside.startsWith(`..${sep}`) || inside === "..") return undefined;
    if (inside.startsWith(sep) || isHiddenPath(inside.split(sep), this.rules)) return undefined;
    const stat = statSync(real, { throwIfNoEntry: false });
    if (stat?.isFile()) return { kind: "file", path, disk: real };
    if (stat?.isDirectory()) return { kind: "dir", path, disk: real, ...(link ? { link } : {}) };
    return undefined;
  }

  private diskChildren(dir: DirNode): Node[] {
    const out: Node[] = [];
    const atRoot = dir.path === "";
    for (const entry of this.listings.list(dir.disk ?? "")) {
      const name = entry.name;
      // The virtual candidate folder shadows anything of that name at the root.
      if (atRoot && name === CANDIDATE) continue;
      const path = atRoot ? name : `${dir.path}/${name}`;
      if (isHiddenEntry(path, name, atRoot, this.rules)) continue;
      const disk = `${dir.disk}${sep}${name}`;
      if (entry.kind === "file") out.push({ kind: "file", path, disk });
      else if (entry.kind === "dir") out.push({ kind: "dir", path, disk });
      else {
        const node = this.diskNode(path, disk, true);
        if (node) out.push(node);
      }
    }
    return out;
  }

  private real(): string {
    try {
      this.rootReal ??= realpathSync(this.root);
    } catch (e) {
      throw new Error("the session's archive folder does not exist yet", { cause: e });
    }
    return this.rootReal;
  }
}

function join2(parent: string, name: string): string {
  return parent === "" ? name : `${parent}/${name}`;
}

function buildTree(files: ReadonlyMap<string, string>, hidden: (s: string[]) => boolean): Tree {
  const root: Tree = new Map();
  for (const [path, text] of files) {
    const parsed = parseVirtualPath(path);
    const { segments } = parsed.ok ? parsed : { segments: [] };
    if (segments.length === 0 || hidden([CANDIDATE, ...segments])) continue;
    folderFor(root, segments.slice(0, -1))?.set(segments.at(-1) ?? "", text);
  }
  return root;
}

function folderFor(root: Tree, names: readonly string[]): Tree | undefined {
  let dir = root;
  for (const name of names) {
    const next: Tree | string = dir.get(name) ?? new Map();
    if (typeof next === "string") return undefined; // a file already has this folder's name
    dir.set(name, next);
    dir = next;
  }
  return dir;
}
