import type { DatabaseSync } from "node:sqlite";

/**
 * The index's schema, one entry per version. The index is derived from the archive, so a
 * database from a newer autoopt is refused rather than guessed at: deleting it rebuilds it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE experiments(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    outcome TEXT,
    status TEXT,
    reason TEXT,
    description TEXT NOT NULL,
    hypothesis TEXT,
    value REAL,
    delta REAL,
    wall_s REAL,
    sha TEXT NOT NULL,
    parent TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE metrics(
    experiment INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (experiment, name)
  ) WITHOUT ROWID;
  CREATE INDEX metrics_by_name ON metrics(name, value);
  CREATE TABLE tasks(experiment INTEGER NOT NULL, task_id TEXT NOT NULL, score REAL, data TEXT);
  CREATE INDEX tasks_by_experiment ON tasks(experiment, task_id);
  CREATE INDEX tasks_by_task ON tasks(task_id, score);
  CREATE VIRTUAL TABLE documents USING fts5(
    experiment UNINDEXED,
    path UNINDEXED,
    content,
    tokenize = "unicode61 tokenchars '_'"
  );
  CREATE TABLE sync_state(experiment INTEGER PRIMARY KEY, row_key TEXT NOT NULL, docs_key TEXT);
  `,
  // 2: tasks get a rowid of their own, where they came from, and full-text search. The text is
  // stored once, in tasks.data: task_text is an external-content FTS5 table kept in step by
  // triggers, so a delete (a re-index, an experiment dropped) also leaves the search index.
  // Documents and tasks are cleared so that the next sync indexes every experiment afresh.
  `
  DROP TABLE tasks;
  CREATE TABLE tasks(
    id INTEGER PRIMARY KEY,
    experiment INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    score REAL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX tasks_by_experiment ON tasks(experiment, task_id);
  CREATE INDEX tasks_by_task ON tasks(task_id, experiment, score);
  CREATE VIRTUAL TABLE task_text USING fts5(
    data,
    content = 'tasks',
    content_rowid = 'id',
    tokenize = "unicode61 tokenchars '_'"
  );
  CREATE TRIGGER tasks_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_text(rowid, data) VALUES (new.id, new.data);
  END;
  CREATE TRIGGER tasks_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO task_text(task_text, rowid, data) VALUES ('delete', old.id, old.data);
  END;
  -- Merging segments less eagerly makes a full build ~20% faster; queries do not notice.
  INSERT INTO task_text(task_text, rank) VALUES ('automerge', 16);
  CREATE TRIGGER tasks_update AFTER UPDATE OF data ON tasks BEGIN
    INSERT INTO task_text(task_text, rowid, data) VALUES ('delete', old.id, old.data);
    INSERT INTO task_text(rowid, data) VALUES (new.id, new.data);
  END;
  DELETE FROM documents;
  UPDATE sync_state SET docs_key = NULL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to the current schema; `user_version` holds the version reached. */
export function migrate(db: DatabaseSync, file: string): void {
  const row = db.prepare("PRAGMA user_version").get();
  const version = Number(row?.user_version ?? 0);
  if (version > SCHEMA_VERSION)
    throw new Error(
      `the archive index ${file} has schema version ${version}, newer than this autoopt's ${SCHEMA_VERSION}; delete the file to rebuild it from the archive`,
    );
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.exec("BEGIN");
    try {
      db.exec(MIGRATIONS[v] ?? "");
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw new Error(`cannot migrate the archive index ${file} to schema version ${v + 1}`, {
        cause: e,
      });
    }
  }
}
