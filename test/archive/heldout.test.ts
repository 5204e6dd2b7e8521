import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveIndex, ArchiveTools } from "../../src/archive/index.ts";
import { type ArchiveFixture, buildArchive, removeArchives } from "./fixture.ts";

/** A word that appears only in the held-out folder: no tool answer may contain it. */
const WORD = "heldoutonly_x9q";

let f: ArchiveFixture;
let index: ArchiveIndex;
let tools: ArchiveTools;

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(async () => {
  f = buildArchive();
  const held = join(f.sessionDir, "heldout", "exp-2");
  write(join(held, "result.json"), JSON.stringify({ status: "ok", metrics: { accuracy: WORD } }));
  write(join(held, "run.log"), `${WORD}\n`);
  const traces = [1, 2].map((t) =>
    JSON.stringify({ task_id: `held-${t}`, score: 1, output: WORD }),
  );
  write(join(held, "out", "traces", "tasks.jsonl"), `${traces.join("\n")}\n`);
  // Links from experiment folders into the held-out folder: a folder, a trace file, and a
  // whole out/ whose traces the index would otherwise take in.
  symlinkSync("../heldout", join(f.sessionDir, "exp-2", "heldout-link"));
  symlinkSync(
    "../../../heldout/exp-2/out/traces/tasks.jsonl",
    join(f.sessionDir, "exp-3", "out", "traces", "held.jsonl"),
  );
  rmSync(join(f.sessionDir, "exp-1", "out"), { recursive: true });
  symlinkSync("../heldout/exp-2/out", join(f.sessionDir, "exp-1", "out"));
  // No `hidden` option anywhere: held-out results are kept out by the archive's own rules.
  index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"));
  await index.sync(f.state, f.sessionDir);
  tools = new ArchiveTools({
    sessionDir: f.sessionDir,
    index,
    candidate: new Map([["train.py", "x = 1\n"]]),
    diff: async (a, b) => `diff ${a} ${b}\n`,
    shaOf: (n) => f.state.experiments[n - 1]?.sha,
  });
});
afterAll(() => {
  index.close();
  removeArchives();
});

describe("held-out results", () => {
  it("are on disk and reachable through the planted links (so the checks below can fail)", () => {
    expect(
      readFileSync(join(f.sessionDir, "exp-2/heldout-link/exp-2/result.json"), "utf8"),
    ).toContain(WORD);
    expect(readFileSync(join(f.sessionDir, "exp-3/out/traces/held.jsonl"), "utf8")).toContain(WORD);
    expect(readFileSync(join(f.sessionDir, "exp-1/out/traces/tasks.jsonl"), "utf8")).toContain(
      WORD,
    );
  });

  it.each([
    "heldout",
    "heldout/exp-2/result.json",
    "heldout/exp-2/out/traces/tasks.jsonl",
    "./heldout/exp-2",
    "exp-2/heldout-link/exp-2/result.json",
    "exp-3/out/traces/held.jsonl",
    "exp-1/out/traces/tasks.jsonl",
  ])("are refused at %j by list_files, read_file and grep", async (path) => {
    const outs = [
      await tools.list_files({ path, depth: 8 }),
      await tools.read_file({ path }),
      await tools.grep({ pattern: WORD, path }),
    ];
    for (const out of outs) {
      expect(out).toMatch(/^error: no such file or folder/);
      expect(out).not.toContain(WORD);
    }
  });

  it("never show up in a listing or a search of the whole archive", async () => {
    const listing = await tools.list_files({ depth: 8 });
    expect(listing).toContain("exp-2/out/traces/tasks.jsonl");
    expect(listing).not.toMatch(/heldout\/|heldout-link|held\.jsonl|exp-1\/out/);
    for (const glob of [undefined, "**/traces/*.jsonl", "*.json", "**"]) {
      const out = await tools.grep({ pattern: WORD, ...(glob ? { glob } : {}), max_matches: 1000 });
      expect(out).toMatch(/^no matches/);
    }
    expect(await tools.grep({ pattern: "held-[12]", max_matches: 1000 })).toMatch(/^no matches/);
  });

  it("are never indexed: sql, full-text search included, finds nothing of them", async () => {
    const queries = [
      `SELECT count(*) FROM tasks WHERE data LIKE '%${WORD}%' OR task_id LIKE 'held-%' OR file LIKE '%held%'`,
      `SELECT count(*) FROM task_text WHERE task_text MATCH '${WORD}'`,
      `SELECT count(*) FROM documents WHERE documents MATCH '${WORD}'`,
      `SELECT count(*) FROM documents WHERE content LIKE '%${WORD}%'`,
    ];
    for (const query of queries) expect(await tools.sql({ query })).toBe("count(*)\n0\n(1 row)");
    // The index does hold the other experiments' tasks: the queries above could have matched.
    expect(
      await tools.sql({ query: "SELECT count(*) FROM task_text WHERE task_text MATCH 'answer'" }),
    ).toBe("count(*)\n9\n(1 row)");
  });

  it("cannot be named as a diff's side", async () => {
    for (const [from, to] of [
      ["heldout", 2],
      [2, "heldout/exp-2"],
    ] as const) {
      const out = await tools.diff({ from, to });
      expect(out).toMatch(/^error: "heldout(\/exp-2)?" is not an experiment number or "ratchet"/);
    }
  });
});
