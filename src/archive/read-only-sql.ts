import { constants } from "node:sqlite";

/**
 * The first of three guards around the model's SQL (then the authorizer below, then a read-only
 * connection): one statement, starting with SELECT or WITH. node:sqlite's `prepare` silently
 * drops everything after the first statement, so a trailing `; DROP …` must be caught here or
 * the model would believe it ran. Returns why the text is refused, or undefined.
 */
export function checkSelectOnly(sql: string): string | undefined {
  const tokens = topLevelTokens(sql);
  const first = tokens[0];
  if (first === undefined) return "the query is empty; send one SELECT statement";
  const keyword = first.toUpperCase();
  if (keyword !== "SELECT" && keyword !== "WITH")
    return `only SELECT (or WITH … SELECT) queries are allowed, not ${keyword}; the index is read-only`;
  const semicolon = tokens.indexOf(";");
  if (semicolon !== -1 && tokens.slice(semicolon).some((t) => t !== ";"))
    return "send one statement per call: the text after ';' would not run";
  return undefined;
}

/**
 * Splits SQL into words and single-character symbols, skipping comments and the insides of
 * quoted strings and identifiers, which may hold any `;` or keyword harmlessly.
 */
function topLevelTokens(sql: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? "";
    if (/\s/.test(c)) i++;
    else if (sql.startsWith("--", i)) i = endOf(sql, "\n", i + 2);
    else if (sql.startsWith("/*", i)) i = endOf(sql, "*/", i + 2);
    else if (c === "'" || c === '"' || c === "`") i = endOfQuoted(sql, c, i + 1, tokens);
    else if (c === "[") i = endOfQuoted(sql, "]", i + 1, tokens);
    else if (/\w/.test(c)) {
      const word = /^\w+/.exec(sql.slice(i, i + 64))?.[0] ?? c;
      tokens.push(word);
      i += word.length;
    } else {
      tokens.push(c);
      i++;
    }
  }
  return tokens;
}

function endOf(sql: string, terminator: string, from: number): number {
  const at = sql.indexOf(terminator, from);
  return at === -1 ? sql.length : at + terminator.length;
}

function endOfQuoted(sql: string, quote: string, from: number, tokens: string[]): number {
  tokens.push("literal");
  let i = from;
  for (;;) {
    const at = sql.indexOf(quote, i);
    if (at === -1) return sql.length;
    // A doubled quote is an escaped quote inside the literal.
    if (quote !== "]" && sql[at + 1] === quote) i = at + 2;
    else return at + 1;
  }
}

/**
 * Pragmas that only read: the schema ones let the model discover columns as table functions,
 * and FTS5 itself reads `data_version` from inside a query on `documents`.
 */
const READ_PRAGMAS = new Set([
  "data_version",
  "table_info",
  "table_xinfo",
  "table_list",
  "index_list",
  "index_info",
  "index_xinfo",
  "foreign_key_list",
]);

const NOT_ACTIONS = new Set(["SQLITE_OK", "SQLITE_DENY", "SQLITE_IGNORE"]);
/** Authorizer action codes by name; the constants also hold result and changeset codes. */
const ACTION_NAMES = new Map<number, string>(
  Object.entries(constants)
    .filter(([name]) => !name.startsWith("SQLITE_CHANGESET") && !NOT_ACTIONS.has(name))
    .map(([name, code]) => [code, name.slice("SQLITE_".length)]),
);

/** Whether the authorizer lets an action through, and if not, a name for it in the error. */
export function authorize(action: number, arg1: string | null): { ok: true } | { denied: string } {
  switch (action) {
    case constants.SQLITE_SELECT:
    case constants.SQLITE_READ:
    case constants.SQLITE_FUNCTION:
    case constants.SQLITE_RECURSIVE:
      return { ok: true };
    case constants.SQLITE_PRAGMA:
      if (arg1 !== null && READ_PRAGMAS.has(arg1.toLowerCase())) return { ok: true };
      break;
  }
  const name = ACTION_NAMES.get(action) ?? `action ${action}`;
  return { denied: arg1 ? `${name} ${arg1}` : name };
}
