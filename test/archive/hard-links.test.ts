import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveIndex, ArchiveTools } from "../../src/archive/index.ts";
import { type ArchiveFixture, buildArchive, removeArchives } from "./fixture.ts";

const STOLEN = "STOLEN-KEY-6d1e";
const TRACE = "HELDOUT-ANSWER-93aa";

let f: ArchiveFixture;
let index: ArchiveIndex;
let tools: ArchiveTools;

/**
 * What a run can plant with `ln`: its outputs (and its log) as other names of files it should not
 * hand over, a key of the user's and the held-out traces.
 */
beforeAll(async () => {
  f = buildArchive();
  const outside = join(f.root, "outside");
  writeFileSync(join(outside, "id_rsa"), `-----BEGIN KEY-----\n${STOLEN}\n`);
  writeFileSync(
    join(outside, "heldout.jsonl"),
    `${JSON.stringify({ task_id: "h-1", score: 1, output: TRACE })}\n`,
  );
  const exp = join(f.sessionDir, "exp-4");
  linkSync(join(outside, "id_rsa"), join(exp, "out", "key.txt"));
  mkdirSync(join(exp, "out", "traces"), { recursive: true });
  linkSync(join(outside, "heldout.jsonl"), join(exp, "out", "traces", "heldout.jsonl"));
  rmSync(join(exp, "run.log"));
  linkSync(join(outside, "id_rsa"), join(exp, "run.log"));
  index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"));
  await index.sync(f.state, f.sessionDir, { hidden: (p) => p === f.heldout });
  tools = new ArchiveTools({
    sessionDir: f.sessionDir,
    index,
    candidate: new Map(),
    diff: async () => "",
    shaOf: (n) => f.state.experiments[n - 1]?.sha,
    ratchetSha: () => f.state.ratchetSha,
    hidden: (p) => p === f.heldout,
  });
});
afterAll(() => {
  index.close();
  removeArchives();
});

describe("hard links planted in the archive", () => {
  it("are real hard links a plain read would follow (so the checks below can fail)", () => {
    expect(readFileSync(join(f.sessionDir, "exp-4", "out", "key.txt"), "utf8")).toContain(STOLEN);
  });

  it.each(["exp-4/out/key.txt", "exp-4/run.log", "exp-4/out/traces/heldout.jsonl"])(
    "read_file, grep and list_files refuse %s, saying why",
    async (path) => {
      for (const out of [
        await tools.read_file({ path }),
        await tools.grep({ pattern: ".", path }),
        await tools.list_files({ path }),
      ]) {
        expect(out).toMatch(/^error: .* is a hard link .*the archive serves no hard links/);
        expect(out).not.toContain(STOLEN);
        expect(out).not.toContain(TRACE);
      }
    },
  );

  it("are marked in listings, skipped by searches and left out of the index", async () => {
    const listing = await tools.list_files({ path: "exp-4", depth: 4 });
    expect(listing).toContain("exp-4/out/key.txt  (hard link, not served)");
    expect(listing).toContain("exp-4/run.log  (hard link, not served)");
    const outs = [
      listing,
      await tools.grep({ pattern: "STOLEN|HELDOUT-ANSWER", max_matches: 100 }),
      await tools.sql({ query: "SELECT group_concat(content) FROM documents" }),
      await tools.sql({ query: "SELECT group_concat(data) FROM tasks" }),
      await tools.sql({ query: "SELECT count(*) AS n FROM tasks WHERE task_id = 'h-1'" }),
    ];
    for (const out of outs) {
      expect(out).not.toContain(STOLEN);
      expect(out).not.toContain(TRACE);
    }
    expect(outs[1]).toMatch(/^no matches/);
    expect(outs[4]).toMatch(/\b0\b/);
  });

  it("still serves an ordinary file beside them", async () => {
    expect(await tools.read_file({ path: "exp-4/diff.patch", limit: 1 })).toMatch(/^1\tdiff --git/);
  });
});
