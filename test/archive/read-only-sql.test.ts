import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveIndex } from "../../src/archive/index.ts";
import { checkSelectOnly } from "../../src/archive/read-only-sql.ts";
import { buildArchive, removeArchives } from "./fixture.ts";

describe("checkSelectOnly", () => {
  it.each([
    "SELECT 1",
    "  select 1;  ",
    "WITH x AS (SELECT 1) SELECT * FROM x",
    "SELECT ';' AS semicolon, 'DROP TABLE x; --' AS text",
    'SELECT "a;b" FROM t',
    "SELECT 1; -- a comment after the statement",
    "/* leading; comment */ SELECT 1 /* ; */",
  ])("accepts %j", (sql) => {
    expect(checkSelectOnly(sql)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    ["-- only a comment", /empty/],
    ["INSERT INTO experiments(id) VALUES (99)", /not INSERT/],
    ["PRAGMA writable_schema = 1", /not PRAGMA/],
    ["SELECT 1; DROP TABLE experiments", /one statement per call/],
    ["SELECT 1;;SELECT 2", /one statement per call/],
    ["SELECT 'x'; DELETE FROM metrics", /one statement per call/],
  ])("refuses %j", (sql, why) => {
    expect(checkSelectOnly(sql)).toMatch(why);
  });
});

describe("the index's SQL cannot write", () => {
  const f = buildArchive();
  let index: ArchiveIndex;
  beforeAll(async () => {
    index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"));
    await index.sync(f.state, f.sessionDir);
  });
  afterAll(() => {
    index.close();
    removeArchives();
  });

  const counts = async () =>
    (
      await index.query(
        `SELECT (SELECT count(*) FROM experiments), (SELECT count(*) FROM metrics),
                (SELECT count(*) FROM documents), (SELECT count(*) FROM sqlite_master)`,
      )
    ).rows;

  it.each([
    ["INSERT INTO experiments(id) VALUES (99)", /only SELECT/],
    ["DELETE FROM experiments", /only SELECT/],
    ["UPDATE experiments SET outcome = 'keep'", /only SELECT/],
    ["DROP TABLE metrics", /only SELECT/],
    ["ATTACH DATABASE '/tmp/x.db' AS x", /only SELECT/],
    ["PRAGMA journal_mode = DELETE", /only SELECT/],
    ["CREATE TABLE t(x)", /only SELECT/],
    ["VACUUM", /only SELECT/],
    ["SELECT 1; DELETE FROM experiments", /one statement/],
    ["WITH x AS (SELECT 1) DELETE FROM experiments", /may only read: DELETE experiments/],
    [
      "WITH x AS (SELECT 1) INSERT INTO metrics SELECT 1, 'n', 2 FROM x",
      /may only read: INSERT metrics/,
    ],
    ["WITH x AS (SELECT 1) UPDATE experiments SET kind = 'x'", /may only read: UPDATE experiments/],
    ["SELECT * FROM pragma_writable_schema", /may only read|no such table/],
    ["SELECT load_extension('/tmp/evil.so')", /not authorized|no such function/],
  ])("refuses %j and changes nothing", async (sql, why) => {
    const before = await counts();
    await expect(index.query(sql)).rejects.toThrow(why);
    expect(await counts()).toEqual(before);
  });

  it("lets schema pragmas through as table functions, so the model can learn the columns", async () => {
    const result = await index.query("SELECT name FROM pragma_table_info('experiments') LIMIT 3");
    expect(result.rows).toEqual([["id"], ["kind"], ["outcome"]]);
  });
});
