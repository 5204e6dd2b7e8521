import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Experiment, SessionState } from "../core/index.ts";
import { isHiddenPath } from "./archive-paths.ts";
import { documentsKey, type ExperimentRow, experimentRow } from "./experiment-row.ts";
import {
  DOCUMENT_CAP,
  DOCUMENT_FILES,
  type ExperimentDocuments,
  readExperimentDocuments,
  readExperimentTasks,
} from "./index-documents.ts";
import { migrate } from "./index-schema.ts";
import { QueryClient } from "./query-client.ts";
import type { QueryResult } from "./query-protocol.ts";
import type { TaskRow } from "./trace-tasks.ts";

export interface ArchiveIndexOptions {
  /** How long one query may run before it is stopped, in milliseconds. */
  queryTimeoutMs?: number;
  /** Bytes of each document that full-text search keeps (head and tail when longer). */
  documentCap?: number;
}

export interface SyncOptions {
  /** Paths the index must not take in, the same the tools hide (e.g. held-out results). */
  hidden?: (relativePath: string) => boolean;
}

export interface SyncReport {
  /** Experiments whose rows were written (new or changed). */
  experiments: number;
  /** Experiments whose documents and tasks were (re)indexed. */
  documents: number;
  /** Experiments no longer in the ledger, dropped from the index. */
  removed: number;
}

/** One rowid block per experiment in `documents`, so its documents are deleted by range. */
const ROWIDS_PER_EXPERIMENT = 8;
const MAX_ROWS = 10_000;
/**
 * The docs_key of an experiment whose tasks are being written, one batch per transaction: if
 * the sync stops half-way, the next one sees a key that matches nothing and indexes it again.
 */
const IN_PROGRESS = "";
const NO_RULES = { paths: new Set<string>() };

/**
 * The SQLite index over a session's archive: experiments, metrics, per-task records (with
 * full-text search) and the full text of each experiment's proposal, diff and log. The model's
 * SQL runs in a separate read-only process (see QueryClient); this connection is the only writer.
 */
export class ArchiveIndex {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly queries: QueryClient;
  private readonly documentCap: number;
  private readonly statements = new Map<string, StatementSync>();
  private syncing: Promise<unknown> = Promise.resolve();

  private constructor(file: string, db: DatabaseSync, options: ArchiveIndexOptions) {
    this.file = file;
    this.db = db;
    this.queries = new QueryClient(file, options.queryTimeoutMs ?? 5_000);
    this.documentCap = options.documentCap ?? DOCUMENT_CAP;
  }

  /** Opens the index at `file`, creating it or bringing its schema up to date. */
  static open(file: string, options: ArchiveIndexOptions = {}): ArchiveIndex {
    let db: DatabaseSync | undefined;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = new DatabaseSync(file, { timeout: 5_000 });
      // WAL lets the query process read while a sync writes; NORMAL skips an fsync per commit,
      // which is safe for an index that can always be rebuilt from the archive.
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
      migrate(db, file);
      return new ArchiveIndex(file, db, options);
    } catch (e) {
      db?.close();
      throw new Error(`cannot open the archive index ${file}`, { cause: e });
    }
  }

  /**
   * Brings the index up to date with the session: rows of new or changed experiments, and the
   * documents of experiments that became final since the last sync. Syncs run one at a time.
   */
  sync(state: SessionState, sessionDir: string, options: SyncOptions = {}): Promise<SyncReport> {
    const run = this.syncing.then(() => this.syncNow(state, sessionDir, options));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** Runs one read-only SELECT; rejects with a QueryError whose message is meant for the model. */
  query(sql: string, maxRows = 200): Promise<QueryResult> {
    return this.queries.run(sql, Math.max(1, Math.min(MAX_ROWS, Math.floor(maxRows))));
  }

  close(): void {
    this.queries.close();
    if (this.db.isOpen) this.db.close();
  }

  private async syncNow(state: SessionState, dir: string, options: SyncOptions) {
    const known = this.syncState();
    const present = state.experiments.filter((x): x is Experiment => x !== undefined);
    const changed = present
      .map((x) => ({ x, ...experimentRow(x, state.metric.name) }))
      .filter(({ x, key }) => known.get(x.id)?.rowKey !== key);
    const ids = new Set(present.map((x) => x.id));
    const removed = [...known.keys()].filter((id) => !ids.has(id));
    this.transaction(() => {
      for (const id of removed) this.remove(id);
      for (const c of changed) this.writeRow(c.row, c.metrics, c.key);
    });
    // What the tools hide by name (held-out results, worktrees, *.tmp) is never indexed either.
    const hidden = (path: string) =>
      isHiddenPath(path.split("/"), NO_RULES) || (options.hidden?.(path) ?? false);
    let documents = 0;
    for (const x of present) {
      const key = documentsKey(x);
      const before = known.get(x.id)?.docsKey ?? null;
      if (key === undefined || key === before) continue;
      await this.indexExperiment(x.id, dir, hidden, key, before !== null);
      documents++;
    }
    return { experiments: changed.length, documents, removed: removed.length };
  }

  /** Documents in one transaction, then tasks a batch per transaction as the traces are read. */
  private async indexExperiment(
    id: number,
    dir: string,
    hidden: (path: string) => boolean,
    key: string,
    again: boolean,
  ): Promise<void> {
    const read = await readExperimentDocuments(dir, id, hidden, this.documentCap);
    this.transaction(() => {
      this.writeDocuments(id, read, again);
      this.setDocsKey(id, IN_PROGRESS);
    });
    await readExperimentTasks(dir, id, hidden, (rows) =>
      this.transaction(() => this.writeTasks(id, rows)),
    );
    this.transaction(() => this.setDocsKey(id, key));
  }

  private syncState(): Map<number, { rowKey: string; docsKey: string | null }> {
    const rows = this.db.prepare("SELECT experiment, row_key, docs_key FROM sync_state").all();
    return new Map(
      rows.map((r) => [
        Number(r.experiment),
        { rowKey: String(r.row_key), docsKey: r.docs_key === null ? null : String(r.docs_key) },
      ]),
    );
  }

  private writeRow(row: ExperimentRow, metrics: [string, number][], key: string): void {
    this.statement(
      `INSERT OR REPLACE INTO experiments VALUES (:id, :kind, :outcome, :status, :reason,
        :description, :hypothesis, :value, :delta, :wall_s, :sha, :parent, :proposed_at, :finished_at)`,
    ).run(row);
    this.statement("DELETE FROM metrics WHERE experiment = ?").run(row.id);
    const insert = this.statement("INSERT INTO metrics VALUES (?, ?, ?)");
    for (const [name, value] of metrics) insert.run(row.id, name, value);
    this.statement(
      `INSERT INTO sync_state(experiment, row_key) VALUES (?, ?)
       ON CONFLICT(experiment) DO UPDATE SET row_key = excluded.row_key`,
    ).run(row.id, key);
  }

  private writeDocuments(id: number, read: ExperimentDocuments, again: boolean) {
    // Only a re-index has rows to drop; skipping the delete keeps a first sync fast.
    if (again) this.dropDocuments(id);
    const first = id * ROWIDS_PER_EXPERIMENT;
    const doc = this.statement(
      "INSERT INTO documents(rowid, experiment, path, content) VALUES (?, ?, ?, ?)",
    );
    for (const d of read.documents) {
      const slot = DOCUMENT_FILES.findIndex((name) => d.path.endsWith(`/${name}`));
      doc.run(first + slot, id, d.path, d.content);
    }
  }

  private writeTasks(id: number, rows: readonly TaskRow[]): void {
    const insert = this.statement(
      "INSERT INTO tasks(experiment, task_id, score, file, line, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const t of rows) insert.run(id, t.task_id, t.score, t.file, t.line, t.data);
  }

  private setDocsKey(id: number, key: string): void {
    this.statement("UPDATE sync_state SET docs_key = ? WHERE experiment = ?").run(key, id);
  }

  private remove(id: number): void {
    this.statement("DELETE FROM experiments WHERE id = ?").run(id);
    this.statement("DELETE FROM metrics WHERE experiment = ?").run(id);
    this.dropDocuments(id);
    this.statement("DELETE FROM sync_state WHERE experiment = ?").run(id);
  }

  private dropDocuments(id: number): void {
    const first = id * ROWIDS_PER_EXPERIMENT;
    this.statement("DELETE FROM documents WHERE rowid BETWEEN ? AND ?").run(
      first,
      first + ROWIDS_PER_EXPERIMENT - 1,
    );
    this.statement("DELETE FROM tasks WHERE experiment = ?").run(id);
  }

  private statement(sql: string): StatementSync {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    const prepared = this.db.prepare(sql);
    this.statements.set(sql, prepared);
    return prepared;
  }

  private transaction(work: () => void): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw new Error(`cannot update the archive index ${this.file}`, { cause: e });
    }
  }
}
