// The query process: holds the only connection that runs the model's SQL, read-only, so that a
// runaway query can be stopped by killing this process (node:sqlite has no way to interrupt a
// statement from another thread or to bound its running time).
import { constants, DatabaseSync, type SQLOutputValue } from "node:sqlite";
import {
  CELL_CAP,
  type QueryReply,
  type QueryRequest,
  type QueryResult,
} from "./query-protocol.ts";
import { authorize, checkSelectOnly } from "./read-only-sql.ts";

const send = (reply: QueryReply) => process.send?.(reply);
process.on("disconnect", () => process.exit(0));

let denied: string | undefined;
let db: DatabaseSync;
try {
  db = new DatabaseSync(process.argv[2] ?? "", {
    readOnly: true,
    limits: { attach: 0 },
  });
  db.setAuthorizer((action, arg1) => {
    const verdict = authorize(action, arg1);
    if ("ok" in verdict) return constants.SQLITE_OK;
    denied = verdict.denied;
    return constants.SQLITE_DENY;
  });
  process.on("message", (message: QueryRequest) => send(answer(message)));
} catch (e) {
  send({ fatal: `cannot open the index read-only: ${(e as Error).message}` });
  process.exit(1);
}

function answer({ id, sql, maxRows }: QueryRequest): QueryReply {
  denied = undefined;
  try {
    return { id, ok: true, result: run(sql, maxRows) };
  } catch (e) {
    const message = (e as Error).message;
    const error = denied
      ? `the query may only read: ${denied} is not allowed (${message})`
      : message;
    return { id, ok: false, error };
  }
}

function run(sql: string, maxRows: number): QueryResult {
  const refusal = checkSelectOnly(sql);
  if (refusal) throw new Error(refusal);
  const statement = db.prepare(sql);
  statement.setReturnArrays(true);
  const columns = statement.columns().map((c) => c.name);
  const rows: QueryResult["rows"] = [];
  let truncated = false;
  for (const row of statement.iterate()) {
    if (rows.length >= maxRows) {
      truncated = true;
      break;
    }
    // With setReturnArrays the rows are arrays, which node:sqlite's types do not express;
    // arrays keep duplicate column names (a.id, b.id) that objects would merge.
    rows.push((row as unknown as SQLOutputValue[]).map(cell));
  }
  return { columns, rows, truncated };
}

function cell(value: SQLOutputValue): SQLOutputValue {
  if (typeof value !== "string" || value.length <= CELL_CAP) return value;
  return `${value.slice(0, CELL_CAP)}… [cut at ${CELL_CAP} of ${value.length} chars]`;
}
