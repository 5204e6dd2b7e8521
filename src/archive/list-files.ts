import { count, size } from "./format.ts";
import type { DirNode, Node, VirtualFs } from "./virtual-fs.ts";

/** Entries shown by one listing; the rest are counted, so the note can say how many. */
const LIST_CAP = 400;
/** Entries counted at most: past this a listing only says "more than". */
const COUNT_CAP = 100_000;

/** A listing of full paths (ready for read_file), folders ending in "/", files with sizes. */
export function listFiles(fs: VirtualFs, dir: DirNode, depth: number): string {
  const shown: string[] = [];
  let total = 0;
  const visit = (folder: DirNode, level: number) => {
    for (const node of fs.children(folder)) {
      if (total >= COUNT_CAP) return;
      total++;
      if (shown.length < LIST_CAP) shown.push(line(fs, node));
      if (node.kind === "dir" && !node.link && level < depth) visit(node, level + 1);
    }
  };
  visit(dir, 1);
  if (total === 0) return `(empty folder${dir.path ? `: ${dir.path}` : ""})`;
  if (total > shown.length) {
    const of = total >= COUNT_CAP ? `more than ${count(COUNT_CAP)}` : count(total);
    const example = dir.path === "" ? "exp-1" : `${dir.path}/…`;
    shown.push(
      `[${count(shown.length)} of ${of} entries shown; list a folder (path="${example}") or use a smaller depth to see the rest]`,
    );
  }
  return shown.join("\n");
}

function line(fs: VirtualFs, node: Node): string {
  if (node.kind === "dir")
    return node.link ? `${node.path}/ (link, not expanded)` : `${node.path}/`;
  if (fs.names(node) > 1) return `${node.path}  (hard link, not served)`;
  return `${node.path}  ${size(fs.size(node))}`;
}
