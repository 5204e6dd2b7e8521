import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ArchiveIndex, QueryError } from "../../src/archive/index.ts";
import { SCHEMA_VERSION } from "../../src/archive/index-schema.ts";
import {
  type ArchiveFixture,
  buildArchive,
  finished,
  ok,
  proposed,
  removeArchives,
  writeExperiment,
} from "./fixture.ts";

const open: ArchiveIndex[] = [];
afterEach(() => {
  for (const index of open.splice(0)) index.close();
});
afterAll(removeArchives);

function indexFor(f: ArchiveFixture, options = {}): ArchiveIndex {
  const index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"), options);
  open.push(index);
  return index;
}

async function rows(index: ArchiveIndex, sql: string) {
  return (await index.query(sql)).rows;
}

describe("ArchiveIndex schema", () => {
  it("creates the tables and records the schema version", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    const tables = await rows(
      index,
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    expect(tables.flat()).toEqual(
      expect.arrayContaining(["documents", "experiments", "metrics", "tasks"]),
    );
    const db = new DatabaseSync(index.file, { readOnly: true });
    expect(db.prepare("PRAGMA user_version").get()?.user_version).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("reopens an index it made, and refuses one from a newer schema", () => {
    const f = buildArchive();
    const file = join(f.sessionDir, "index.sqlite");
    ArchiveIndex.open(file).close();
    ArchiveIndex.open(file).close();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let thrown: unknown;
    try {
      ArchiveIndex.open(file).close();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/^cannot open the archive index/);
    expect(((thrown as Error).cause as Error).message).toMatch(
      /newer .*delete the file to rebuild/,
    );
  });
});

describe("ArchiveIndex.sync", () => {
  it("writes experiments, metrics, tasks and the documents of final experiments", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    expect(await index.sync(f.state, f.sessionDir)).toEqual({
      experiments: 5,
      documents: 4,
      removed: 0,
    });
    expect(
      await rows(
        index,
        "SELECT id, kind, outcome, status, value, delta FROM experiments ORDER BY id",
      ),
    ).toEqual([
      [1, "baseline", "baseline", "ok", 0.9979, null],
      [2, "candidate", "keep", "ok", 0.9932, 0.0047],
      [3, "candidate", "discard", "ok", 0.9951, null],
      [4, "candidate", "crash", "crash", null, null],
      [5, "candidate", null, null, null, null],
    ]);
    expect(await rows(index, "SELECT reason, hypothesis FROM experiments WHERE id = 4")).toEqual([
      ["exit code 1: loss is NaN", "much higher still"],
    ]);
    expect(
      await rows(index, "SELECT value FROM metrics WHERE experiment = 2 AND name = 'peak_vram_mb'"),
    ).toEqual([[45_060.2]]);
    expect(await rows(index, "SELECT DISTINCT experiment FROM documents ORDER BY 1")).toEqual([
      [1],
      [2],
      [3],
      [4],
    ]);
    expect(
      await rows(index, "SELECT count(*), avg(score) FROM tasks WHERE experiment = 2"),
    ).toEqual([[3, 0.5]]);
  });

  it("finds a word of a run.log with full-text search", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const hits = await rows(
      index,
      "SELECT experiment, path FROM documents WHERE documents MATCH 'NaN'",
    );
    expect(hits).toEqual([[4, "exp-4/run.log"]]);
    const snippet = await rows(
      index,
      "SELECT snippet(documents, 2, '[', ']', '…', 4) FROM documents WHERE documents MATCH 'ValueError'",
    );
    expect(String(snippet[0]?.[0])).toContain("[ValueError]");
  });

  it("indexes again only what changed: a second sync touches just the new final experiment", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    expect(await index.sync(f.state, f.sessionDir)).toEqual({
      experiments: 0,
      documents: 0,
      removed: 0,
    });
    // A word added to an indexed log shows whether that experiment was read again.
    appendFileSync(join(f.sessionDir, "exp-2", "run.log"), "zebra_marker\n");
    writeExperiment(f.sessionDir, 5, ok(0.9901));
    appendFileSync(join(f.sessionDir, "exp-5", "run.log"), "okapi_marker\n");
    f.append(
      finished(5, 30, ok(0.9901), {
        target: 5,
        outcome: "keep",
        reason: "better",
        value: 0.9901,
        delta: 0.0031,
      }),
      proposed(6, 31, "HEADS 4 → 8"),
    );
    expect(await index.sync(f.state, f.sessionDir)).toEqual({
      experiments: 2,
      documents: 1,
      removed: 0,
    });
    expect(
      await rows(index, "SELECT experiment FROM documents WHERE documents MATCH 'okapi_marker'"),
    ).toEqual([[5]]);
    expect(
      await rows(index, "SELECT experiment FROM documents WHERE documents MATCH 'zebra_marker'"),
    ).toEqual([]);
    expect(await rows(index, "SELECT outcome FROM experiments WHERE id = 5")).toEqual([["keep"]]);
  });

  it("drops experiments that left the ledger", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const fewer = { ...f.state, experiments: f.state.experiments.slice(0, 3) };
    expect(await index.sync(fewer, f.sessionDir)).toEqual({
      experiments: 0,
      documents: 0,
      removed: 2,
    });
    expect(await rows(index, "SELECT max(id) FROM experiments")).toEqual([[3]]);
    expect(await rows(index, "SELECT count(*) FROM documents WHERE experiment = 4")).toEqual([[0]]);
  });

  it("keeps hidden files out of the index", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir, { hidden: (p) => p === "exp-3/run.log" });
    expect(
      await rows(index, "SELECT path FROM documents WHERE experiment = 3 ORDER BY path"),
    ).toEqual([["exp-3/diff.patch"], ["exp-3/proposal.json"]]);
  });

  it("keeps the head and the tail of a document over the cap", async () => {
    const f = buildArchive();
    writeFileSync(
      join(f.sessionDir, "exp-1", "run.log"),
      `start_word\n${"x ".repeat(50_000)}\nend_word\n`,
    );
    const index = indexFor(f, { documentCap: 1_000 });
    await index.sync(f.state, f.sessionDir);
    const [row] = await rows(
      index,
      "SELECT length(content), content FROM documents WHERE path = 'exp-1/run.log'",
    );
    expect(Number(row?.[0])).toBeLessThan(1_200);
    expect(String(row?.[1])).toMatch(/^start_word[\s\S]*bytes not indexed[\s\S]*end_word\n$/);
  });
});

describe("ArchiveIndex.query", () => {
  it("truncates to maxRows and says so", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const result = await index.query("SELECT id, description FROM experiments ORDER BY id", 2);
    expect(result).toEqual({
      columns: ["id", "description"],
      rows: [
        [1, "baseline"],
        [2, "MATRIX_LR 0.04 → 0.05"],
      ],
      truncated: true,
    });
  });

  it("keeps columns that share a name apart", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const result = await index.query(
      "SELECT a.id, b.id FROM experiments a JOIN experiments b ON b.id = a.id + 1 LIMIT 1",
    );
    expect(result.rows).toEqual([[1, 2]]);
  });

  it("stops a query that runs past its time limit, and answers the next one", async () => {
    const f = buildArchive();
    const index = indexFor(f, { queryTimeoutMs: 300 });
    const endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    const started = Date.now();
    await expect(index.query(endless)).rejects.toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await index.query("SELECT 40 + 2")).rows).toEqual([[42]]);
  });

  it("reports SQL errors as QueryError with SQLite's message", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    const failure = index.query("SELECT nope FROM experiments");
    await expect(failure).rejects.toBeInstanceOf(QueryError);
    await expect(failure).rejects.toThrow(/no such column: nope/);
  });
});
