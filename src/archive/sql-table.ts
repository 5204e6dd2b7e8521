import { capOutput, count, cutLine } from "./format.ts";
import type { QueryResult, SqlValue } from "./query-protocol.ts";

const CELL_SHOWN = 300;

/** A query's answer as tab-separated lines, header first, with a note when rows were left out. */
export function sqlTable(result: QueryResult): string {
  const lines = [result.columns.join("\t")];
  for (const row of result.rows) lines.push(row.map(cellText).join("\t"));
  const n = result.rows.length;
  lines.push(
    result.truncated
      ? `[first ${count(n)} rows shown; the query has more: add LIMIT/OFFSET or a narrower WHERE]`
      : `(${count(n)} row${n === 1 ? "" : "s"})`,
  );
  return capOutput(
    lines.join("\n"),
    "select fewer rows (LIMIT/OFFSET) or columns, or shorten text with substr() or snippet()",
  );
}

function cellText(value: SqlValue): string {
  if (value === null) return "NULL";
  if (value instanceof Uint8Array) return `[blob, ${count(value.length)} bytes]`;
  if (typeof value !== "string") return String(value);
  // Tabs and newlines inside a cell would break the table's shape.
  const flat = value.replaceAll("\t", "\\t").replaceAll("\r", "\\r").replaceAll("\n", "\\n");
  return cutLine(flat, CELL_SHOWN);
}
