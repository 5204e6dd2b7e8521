import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT_CAP } from "../../src/archive/format.ts";
import { buildTools, type ToolsFixture } from "./tools-fixture.ts";

let t: ToolsFixture;
beforeAll(async () => {
  t = await buildTools();
  // Files that exercise the caps and the binary check.
  const extra = join(t.sessionDir, "exp-1", "extra");
  mkdirSync(extra, { recursive: true });
  for (let i = 0; i < 450; i++) writeFileSync(join(extra, `f${i}.txt`), `file ${i}\n`);
  writeFileSync(join(t.sessionDir, "exp-1", "out", "model.bin"), Buffer.from([1, 0, 2, 0, 3]));
  writeFileSync(join(t.sessionDir, "exp-1", "out", "empty.txt"), "");
  writeFileSync(join(t.sessionDir, "exp-1", "out", "wide.txt"), `${"w".repeat(480)}\n`.repeat(200));
  writeFileSync(
    join(t.sessionDir, "exp-1", "out", "long-line.txt"),
    `short\n${"y".repeat(5_000)}\nend\n`,
  );
});
afterAll(() => t.close());

describe("list_files", () => {
  it("lists the archive root with the candidate's folder and hides what is not archive", async () => {
    const out = await t.tools.list_files({ depth: 1 });
    expect(out.split("\n")).toEqual([
      "candidate/",
      "exp-1/",
      "exp-2/",
      "exp-3/",
      "exp-4/",
      "exp-5/",
      expect.stringMatching(/^ledger\.jsonl {2}\d+(\.\d)? (B|KiB)$/),
      expect.stringMatching(/^results\.tsv {2}\d+ B$/),
    ]);
  });

  it("lists a folder to the depth asked, with sizes, links that stay inside included", async () => {
    const out = await t.tools.list_files({ path: "exp-2", depth: 3 });
    expect(out).toContain("exp-2/run.log  ");
    expect(out).toContain("exp-2/log-link  ");
    expect(out).toContain("exp-2/out/traces/tasks.jsonl  ");
    expect(out).not.toMatch(/leak|lock-link|worktrees-link|\.tmp/);
  });

  it("lists the candidate's in-memory files", async () => {
    expect(await t.tools.list_files({ path: "candidate" })).toBe(
      "candidate/lib/\ncandidate/lib/util.py  28 B\ncandidate/train.py  40 B",
    );
  });

  it("caps a long listing with a note that says how to see the rest", async () => {
    const out = await t.tools.list_files({ path: "exp-1/extra" });
    expect(out.split("\n")).toHaveLength(401);
    expect(out).toMatch(/\[400 of 450 entries shown; list a folder .* or use a smaller depth/);
    expect(out.split("\n")[9]).toBe("exp-1/extra/f9.txt  7 B");
    expect(out.split("\n")[10]).toBe("exp-1/extra/f10.txt  8 B");
  });

  it("answers a missing path with an error that says what to do", async () => {
    expect(await t.tools.list_files({ path: "exp-99" })).toMatch(
      /^error: no such file or folder in the archive: "exp-99"; call list_files/,
    );
  });
});

describe("read_file", () => {
  it("shows numbered lines and says how to read on", async () => {
    const out = await t.tools.read_file({ path: "exp-4/run.log", offset: 3, limit: 2 });
    expect(out).toBe(
      "3\tstep 00000 | loss: 3.000000 | dt: 312ms\n4\tstep 00001 | loss: 2.990000 | dt: 312ms\n[lines 3–4 of 124; call read_file with offset=5 to read on]",
    );
  });

  it("reads a candidate file", async () => {
    expect(await t.tools.read_file({ path: "candidate/train.py" })).toBe(
      "1\timport torch\n2\tMATRIX_LR = 0.05\n3\tDEPTH = 8",
    );
  });

  it("pages through a whole file, each line exactly once", async () => {
    const expected = readFileSync(join(t.sessionDir, "exp-2", "run.log"), "utf8")
      .split("\n")
      .slice(0, -1);
    const seen: string[] = [];
    let offset = 1;
    for (let calls = 0; calls < 100; calls++) {
      const out = await t.tools.read_file({ path: "exp-2/run.log", offset, limit: 17 });
      const lines = out.split("\n");
      const note = lines.at(-1)?.startsWith("[") ? lines.pop() : undefined;
      for (const line of lines) seen.push(line.slice(line.indexOf("\t") + 1));
      const next = /offset=(\d+)/.exec(note ?? "")?.[1];
      if (next === undefined) break;
      offset = Number(next);
    }
    expect(seen).toEqual(expected);
  });

  it("cuts long lines and stops a page at the output cap, pointing at the next line", async () => {
    const long = await t.tools.read_file({ path: "exp-1/out/long-line.txt" });
    expect(long).toMatch(
      /^1\tshort\n2\ty{500}… \[line cut at 500 chars; 5,000 bytes in all\]\n3\tend$/,
    );
    const wide = await t.tools.read_file({ path: "exp-1/out/wide.txt" });
    expect(wide.length).toBeLessThanOrEqual(OUTPUT_CAP);
    expect(wide).toMatch(/\[lines 1–(\d+) of 200; call read_file with offset=(\d+) to read on\]$/);
  });

  it.each([
    [{ path: "exp-1/out/model.bin" }, /^error: exp-1\/out\/model\.bin is a binary file \(5 B\)/],
    [{ path: "exp-1" }, /^error: exp-1 is a folder; call list_files with path="exp-1"/],
    [
      { path: "exp-4/run.log", offset: 500 },
      /^error: offset 500 is past the end of exp-4\/run\.log, which has 124 lines; call read_file with offset=1$/,
    ],
    [{ path: "exp-9/run.log" }, /^error: no such file/],
  ])("refuses %j with a way out", async (args, why) => {
    expect(await t.tools.read_file(args)).toMatch(why);
  });

  it("says when a file is empty", async () => {
    expect(await t.tools.read_file({ path: "exp-1/out/empty.txt" })).toBe(
      "(exp-1/out/empty.txt is empty)",
    );
  });
});

describe("grep", () => {
  it("finds a literal with its path and line number", async () => {
    expect(await t.tools.grep({ pattern: "loss is NaN", glob: "*.log" })).toBe(
      "exp-4/run.log:124: ValueError: loss is NaN\n[1 matching lines in 1 of 4 files searched]",
    );
  });

  it("matches a regex per line, narrowed by glob and path, case-insensitively if asked", async () => {
    const out = await t.tools.grep({ pattern: "^val_bpb:\\s+0\\.99[0-4]", glob: "exp-*/run.log" });
    expect(out.split("\n").slice(0, -1)).toEqual(["exp-2/run.log:124: val_bpb:          0.993200"]);
    expect(await t.tools.grep({ pattern: "matrix_lr", path: "candidate", ignore_case: true })).toBe(
      "candidate/train.py:2: MATRIX_LR = 0.05\n[1 matching lines in 1 of 2 files searched]",
    );
    const traces = await t.tools.grep({ pattern: '"task_id":"task-2"', glob: "**/traces/*.jsonl" });
    expect(traces.split("\n")).toHaveLength(5);
  });

  it("stops at max_matches with a note", async () => {
    const out = await t.tools.grep({ pattern: "loss: 2\\.", glob: "*.log", max_matches: 3 });
    expect(out.split("\n")).toHaveLength(4);
    expect(out).toMatch(/\[stopped at 3 matching lines; more may follow: raise max_matches/);
  });

  it("reports a line once however often it matches, and skips binary files with a note", async () => {
    const out = await t.tools.grep({ pattern: "0", path: "exp-1/out" });
    const lines = out.split("\n");
    expect(new Set(lines).size).toBe(lines.length);
    expect(out).toMatch(/\[skipped 1 binary file\]$/);
  });

  it("answers a bad regex or no match in words", async () => {
    expect(await t.tools.grep({ pattern: "loss(" })).toMatch(
      /^error: invalid regular expression: .*escape \( \) \[ \] \{ \} \. \* \+ \? \| with a backslash/,
    );
    expect(await t.tools.grep({ pattern: "okapi", glob: "*.patch" })).toBe(
      "no matches for /okapi/ in 5 files",
    );
  });
});

describe("sql", () => {
  it("prints a tab-separated table", async () => {
    expect(
      await t.tools.sql({
        query: "SELECT id, outcome, value FROM experiments WHERE id <= 2 ORDER BY id",
      }),
    ).toBe("id\toutcome\tvalue\n1\tbaseline\t0.9979\n2\tkeep\t0.9932\n(2 rows)");
  });

  it("notes rows left out, and flattens text that would break the table", async () => {
    const many = await t.tools.sql({
      query:
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300) SELECT x FROM c",
    });
    expect(many).toMatch(/\n200\n\[first 200 rows shown; the query has more: add LIMIT\/OFFSET/);
    expect(
      await t.tools.sql({ query: "SELECT 'a' || char(9) || 'b' || char(10) AS t, NULL AS n" }),
    ).toBe("t\tn\na\\tb\\n\tNULL\n(1 row)");
  });

  it("answers refused and failing queries with an error", async () => {
    expect(await t.tools.sql({ query: "DELETE FROM experiments" })).toMatch(/^error: only SELECT/);
    expect(await t.tools.sql({ query: "SELECT x FROM nowhere" })).toBe(
      "error: no such table: nowhere",
    );
  });
});

describe("diff", () => {
  it("diffs two experiments' commits through the callback", async () => {
    const out = await t.tools.diff({ from: 2, to: "exp-4" });
    expect(t.diffs.at(-1)).toEqual([t.state.experiments[1]?.sha, t.state.experiments[3]?.sha]);
    expect(out).toMatch(/^diff exp-2 \(sha0000000\) → exp-4 \(sha0000000\)\n1\tdiff --git/);
  });

  it("takes the ratchet, and refuses what it cannot resolve", async () => {
    await t.tools.diff({ from: "ratchet", to: 4 });
    expect(t.diffs.at(-1)?.[0]).toBe(t.state.ratchetSha);
    expect(await t.tools.diff({ from: 99, to: 2 })).toMatch(
      /^error: no commit is known for experiment 99/,
    );
    expect(await t.tools.diff({ from: "best", to: 2 })).toMatch(
      /^error: "best" is not an experiment number or "ratchet"/,
    );
  });
});
