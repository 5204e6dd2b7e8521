import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ArchiveIndex } from "../../src/archive/index.ts";
import { SCHEMA_VERSION } from "../../src/archive/index-schema.ts";
import { FAILED_BY_LAST_THREE, TOOL_DESCRIPTIONS } from "../../src/archive/tool-schemas.ts";
import {
  BATCH_BYTES,
  MAX_TASKS,
  readTaskFile,
  TASK_DATA_CAP,
  type TaskRow,
} from "../../src/archive/trace-tasks.ts";
import {
  type ArchiveFixture,
  buildArchive,
  finished,
  ok,
  proposed,
  removeArchives,
  writeExperiment,
} from "./fixture.ts";

const opened: ArchiveIndex[] = [];
afterEach(() => {
  for (const index of opened.splice(0)) index.close();
});
afterAll(removeArchives);

function indexFor(f: ArchiveFixture): ArchiveIndex {
  const index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"));
  opened.push(index);
  return index;
}

async function rows(index: ArchiveIndex, sql: string) {
  return (await index.query(sql, 10_000)).rows;
}

function writeTraces(f: ArchiveFixture, n: number, records: object[], name = "tasks.jsonl") {
  const dir = join(f.sessionDir, `exp-${n}`, "out", "traces");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}

/** FTS5's own check that task_text matches the rows of tasks it indexes. */
function integrityCheck(index: ArchiveIndex): void {
  const db = new DatabaseSync(index.file);
  try {
    db.exec("INSERT INTO task_text(task_text, rank) VALUES ('integrity-check', 1)");
  } finally {
    db.close();
  }
}

// The version-1 schema as it shipped, so the migration is tested against the real old layout.
const V1 = `
  CREATE TABLE experiments(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, outcome TEXT, status TEXT,
    reason TEXT, description TEXT NOT NULL, hypothesis TEXT, value REAL, delta REAL, wall_s REAL,
    sha TEXT NOT NULL, parent TEXT NOT NULL, proposed_at TEXT NOT NULL, finished_at TEXT);
  CREATE TABLE metrics(experiment INTEGER NOT NULL, name TEXT NOT NULL, value REAL,
    PRIMARY KEY (experiment, name)) WITHOUT ROWID;
  CREATE INDEX metrics_by_name ON metrics(name, value);
  CREATE TABLE tasks(experiment INTEGER NOT NULL, task_id TEXT NOT NULL, score REAL, data TEXT);
  CREATE INDEX tasks_by_experiment ON tasks(experiment, task_id);
  CREATE INDEX tasks_by_task ON tasks(task_id, score);
  CREATE VIRTUAL TABLE documents USING fts5(experiment UNINDEXED, path UNINDEXED, content,
    tokenize = "unicode61 tokenchars '_'");
  CREATE TABLE sync_state(experiment INTEGER PRIMARY KEY, row_key TEXT NOT NULL, docs_key TEXT);
  PRAGMA user_version = 1;
`;

describe("schema version 2", () => {
  it("migrates a version-1 index, which then re-indexes every experiment once", async () => {
    const f = buildArchive();
    const db = new DatabaseSync(join(f.sessionDir, "index.sqlite"));
    db.exec(V1);
    db.exec(
      `INSERT INTO documents(rowid, experiment, path, content) VALUES (8, 1, 'exp-1/run.log', 'old')`,
    );
    db.exec(`INSERT INTO tasks VALUES (1, 'task-1', 0.25, '{"task_id":"task-1"}')`);
    db.exec(`INSERT INTO sync_state VALUES (1, 'stale', 'baseline|2026-03-01T10:06:00.000Z')`);
    db.close();
    const index = indexFor(f);
    expect(SCHEMA_VERSION).toBe(2);
    expect(await index.sync(f.state, f.sessionDir)).toMatchObject({ documents: 4 });
    expect(await rows(index, "SELECT count(*) FROM documents WHERE experiment = 1")).toEqual([[3]]);
    expect(await rows(index, "SELECT experiment, count(*) FROM tasks GROUP BY 1")).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
      [4, 3],
    ]);
    expect(
      await rows(index, "SELECT file, line FROM tasks WHERE experiment = 2 AND task_id = 'task-3'"),
    ).toEqual([["exp-2/out/traces/tasks.jsonl", 3]]);
    integrityCheck(index);
  });

  it("finds task records by full-text search, with snippets from tasks.data", async () => {
    const f = buildArchive();
    writeTraces(f, 3, [
      { task_id: "q-1", prompt: "what is the capital of Burkina Faso", output: "Ouagadougou" },
      { task_id: "q-2", prompt: "name a prime", output: "nine", error: "wrong_answer" },
    ]);
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const hits = await rows(
      index,
      `SELECT t.experiment, t.task_id, snippet(task_text, 0, '[', ']', '…', 4)
       FROM task_text JOIN tasks t ON t.id = task_text.rowid WHERE task_text MATCH 'ouagadougou'`,
    );
    expect(hits).toEqual([[3, "q-1", expect.stringContaining("[Ouagadougou]")]]);
    expect(
      await rows(
        index,
        "SELECT task_id FROM task_text JOIN tasks t ON t.id = task_text.rowid WHERE task_text MATCH 'wrong_answer'",
      ),
    ).toEqual([["q-2"]]);
    expect(
      await rows(
        index,
        `SELECT count(*) FROM task_text WHERE task_text MATCH '"capital of Burkina"'`,
      ),
    ).toEqual([[1]]);
  });

  it("keeps the search index in step when an experiment is indexed again or dropped", async () => {
    const f = buildArchive();
    writeTraces(f, 2, [{ task_id: "q-1", output: "first_word" }]);
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    writeTraces(f, 2, [{ task_id: "q-1", output: "second_word" }]);
    // A re-judged verdict makes the experiment's documents and tasks be read again.
    f.append(finished(2, 40, ok(0.9932), { target: 2, outcome: "discard", reason: "re-judged" }));
    expect(await index.sync(f.state, f.sessionDir)).toMatchObject({ documents: 1 });
    const match = (word: string) =>
      rows(
        index,
        `SELECT experiment FROM task_text JOIN tasks t ON t.id = task_text.rowid WHERE task_text MATCH '${word}'`,
      );
    expect(await match("first_word")).toEqual([]);
    expect(await match("second_word")).toEqual([[2]]);
    await index.sync({ ...f.state, experiments: f.state.experiments.slice(0, 1) }, f.sessionDir);
    expect(await match("second_word")).toEqual([]);
    expect(await rows(index, "SELECT DISTINCT experiment FROM tasks")).toEqual([[1]]);
    integrityCheck(index);
  });

  it("finishes an experiment a sync left half-indexed, without duplicates", async () => {
    const f = buildArchive();
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    const db = new DatabaseSync(index.file);
    db.exec("DELETE FROM tasks WHERE experiment = 3 AND task_id = 'task-3'");
    db.exec("UPDATE sync_state SET docs_key = '' WHERE experiment = 3");
    db.close();
    expect(await index.sync(f.state, f.sessionDir)).toMatchObject({ documents: 1 });
    expect(await rows(index, "SELECT count(*) FROM tasks WHERE experiment = 3")).toEqual([[3]]);
    expect(await rows(index, "SELECT count(*) FROM documents WHERE experiment = 3")).toEqual([[3]]);
    integrityCheck(index);
  });

  it("stores a record over 64 KiB as valid JSON marked truncated, and caps tasks per experiment", async () => {
    const f = buildArchive();
    const long = {
      task_id: "q-big",
      score: 0.5,
      tokens: 9,
      prompt: `start ${"w ".repeat(50_000)}`,
    };
    const dir = join(f.sessionDir, "exp-2", "out", "traces");
    writeTraces(f, 2, [long, { task_id: "q-small", score: true }]);
    // More tasks than the cap, over two files: the index stops at the cap.
    const many = Array.from({ length: MAX_TASKS - 1 }, (_, i) => `{"task_id":${i}}\n`).join("");
    writeFileSync(join(dir, "z-many.jsonl"), many);
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    expect(await rows(index, "SELECT count(*) FROM tasks WHERE experiment = 2")).toEqual([
      [MAX_TASKS],
    ]);
    const [row] = await rows(
      index,
      `SELECT score, length(CAST(data AS BLOB)), json_extract(data, '$.truncated.bytes'),
         json_extract(data, '$.tokens'), json_extract(data, '$.prompt'),
         substr(json_extract(data, '$.truncated.head'), 1, 30)
       FROM tasks WHERE task_id = 'q-big'`,
    );
    expect(row?.[0]).toBe(0.5);
    expect(Number(row?.[1])).toBeLessThanOrEqual(TASK_DATA_CAP);
    expect(Number(row?.[1])).toBeGreaterThan(TASK_DATA_CAP - 200);
    expect(row?.slice(2)).toEqual([
      Buffer.byteLength(JSON.stringify(long)),
      9,
      null,
      '{"task_id":"q-big","score":0.5',
    ]);
    expect(await rows(index, "SELECT score FROM tasks WHERE task_id = 'q-small'")).toEqual([[1]]);
    expect(
      await rows(
        index,
        "SELECT count(*) FROM tasks WHERE json_extract(data, '$.truncated') IS NOT NULL",
      ),
    ).toEqual([[1]]);
  });
});

describe("readTaskFile", () => {
  it("hands records over in bounded batches as it reads, and parses nothing past 1 MiB", async () => {
    const f = buildArchive();
    const path = join(f.root, "big.jsonl");
    const record = (i: number) =>
      `${JSON.stringify({ task_id: `t-${i}`, output: "x".repeat(4_000) })}\n`;
    const huge = `{"task_id": "t-huge", "score": 1, "output": "${"y".repeat(3_000_000)}"}\n`;
    writeFileSync(path, Array.from({ length: 5_000 }, (_, i) => record(i)).join("") + huge);
    const batches: number[] = [];
    let last: TaskRow | undefined;
    const handle = await open(path);
    const count = await readTaskFile(handle, "big.jsonl", 10_000, (batch) => {
      batches.push(batch.reduce((n, r) => n + r.data.length, 0));
      last = batch.at(-1);
    });
    await handle.close();
    rmSync(path);
    expect(count).toBe(5_001);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const bytes of batches) expect(bytes).toBeLessThan(BATCH_BYTES + TASK_DATA_CAP);
    expect(last).toMatchObject({ task_id: "t-huge", score: 1, line: 5_001 });
    expect(JSON.parse(last?.data ?? "")).toMatchObject({
      task_id: "t-huge",
      score: 1,
      truncated: { bytes: huge.length - 1 },
    });
  });
});

describe("the sql tool's worked example", () => {
  it("finds the tasks the last three candidates all failed that the best one passed", async () => {
    const f = buildArchive();
    // Experiment 2 is kept (the best); 5, 6 and 7 are the last three candidates that ran.
    for (const n of [5, 6, 7]) writeExperiment(f.sessionDir, n, ok(0.999));
    f.append(
      finished(5, 30, ok(0.999), {
        target: 5,
        outcome: "discard",
        reason: "no gain",
        value: 0.999,
      }),
      proposed(6, 31, "six"),
      finished(6, 32, ok(0.999), {
        target: 6,
        outcome: "discard",
        reason: "no gain",
        value: 0.999,
      }),
      proposed(7, 33, "seven"),
      finished(7, 34, ok(0.999), {
        target: 7,
        outcome: "discard",
        reason: "no gain",
        value: 0.999,
      }),
    );
    const scores: Record<number, Record<string, number>> = {
      2: { a: 1, b: 1, c: 1, d: 0, e: 1 },
      3: { a: 1, b: 0, c: 0, d: 0, e: 0 },
      5: { a: 0, b: 0, c: 1, d: 0, e: 0 },
      6: { a: 0.5, b: 1, c: 0, d: 0, e: 0 },
      7: { a: 0, b: 0, c: 0, d: 0 },
    };
    for (const [n, tasks] of Object.entries(scores))
      writeTraces(
        f,
        Number(n),
        Object.entries(tasks).map(([task_id, score]) => ({ task_id, score })),
      );
    const index = indexFor(f);
    await index.sync(f.state, f.sessionDir);
    expect(await rows(index, FAILED_BY_LAST_THREE)).toEqual([["a", "5:0.0 6:0.5 7:0.0"]]);
    // The model sees this very query, and the tables it needs, in the sql tool's description.
    expect(TOOL_DESCRIPTIONS.sql).toContain(FAILED_BY_LAST_THREE);
    expect(TOOL_DESCRIPTIONS.sql).toMatch(
      /tasks\(id, experiment, task_id, score, file, line, data\)[\s\S]*"truncated"[\s\S]*task_text\(data\)/,
    );
  });
});
