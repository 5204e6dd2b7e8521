/** What one cell of a query's answer can be (node:sqlite's output types). */
export type SqlValue = null | number | bigint | string | Uint8Array;

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
  /** True when the query had more rows than were asked for. */
  truncated: boolean;
}

/** Parent → query process. */
export interface QueryRequest {
  id: number;
  sql: string;
  maxRows: number;
}

/** Query process → parent: an answer, a refusal or SQL error, or a failure to open the index. */
export type QueryReply =
  | { id: number; ok: true; result: QueryResult }
  | { id: number; ok: false; error: string }
  | { fatal: string };

/**
 * Text cells longer than this are cut in the query process: a 256 KiB document times 200 rows
 * would otherwise travel whole to be cut again for the model.
 */
export const CELL_CAP = 16_384;
