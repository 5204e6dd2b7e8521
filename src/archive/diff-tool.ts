import { count, error } from "./format.ts";
import { formatPage, PAGE_BUDGET, pageLines, textSource } from "./page-lines.ts";

export interface DiffSources {
  diff: (from: string, to: string) => Promise<string>;
  shaOf: (experiment: number) => string | undefined;
  ratchetSha?: () => string | undefined;
}

type Resolved = { sha: string; label: string } | { error: string };

/** An experiment number, "exp-17", "17" or "ratchet", as a commit and a label for the model. */
export function resolveRef(ref: number | string, sources: DiffSources): Resolved {
  const text = String(ref).trim().toLowerCase();
  if (text === "ratchet") {
    const sha = sources.ratchetSha?.();
    return sha
      ? { sha, label: `ratchet (${sha.slice(0, 10)})` }
      : {
          error:
            'the ratchet commit is not known here; give two experiment numbers, e.g. {"from": 3, "to": 17}',
        };
  }
  const n = /^(?:exp-?)?(\d+)$/.exec(text)?.[1];
  if (n === undefined)
    return {
      error: `"${ref}" is not an experiment number or "ratchet"; e.g. {"from": 3, "to": 17}`,
    };
  const sha = sources.shaOf(Number(n));
  return sha
    ? { sha, label: `exp-${n} (${sha.slice(0, 10)})` }
    : {
        error: `no commit is known for experiment ${n}; list them with sql: SELECT id, sha, outcome FROM experiments`,
      };
}

/** The diff between two refs, a page at a time. */
export async function diffPage(
  from: number | string,
  to: number | string,
  offset: number,
  sources: DiffSources,
): Promise<string> {
  const a = resolveRef(from, sources);
  if ("error" in a) return error(a.error);
  const b = resolveRef(to, sources);
  if ("error" in b) return error(b.error);
  let text: string;
  try {
    text = await sources.diff(a.sha, b.sha);
  } catch (e) {
    return error(`git diff ${a.label} ${b.label} failed: ${(e as Error).message}`);
  }
  if (text.trim() === "") return `no differences between ${a.label} and ${b.label}`;
  const page = pageLines(textSource(text), offset, Number.MAX_SAFE_INTEGER, PAGE_BUDGET);
  const total = page.binary ? 0 : page.total;
  if (page.binary || offset > total)
    return error(
      `offset ${count(offset)} is past the end of the diff, which has ${count(total)} lines`,
    );
  return `diff ${a.label} → ${b.label}\n${formatPage(page, (next) => `call diff with offset=${next}`)}`;
}
