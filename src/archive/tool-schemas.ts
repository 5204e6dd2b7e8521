import { z } from "zod";

// Arguments are lenient where a model is often loose (extra keys are dropped) and strict where a
// wrong value would silently mean something else (negative offsets, fractional counts).

export const ListFilesArgs = z.object({
  path: z
    .string()
    .default("")
    .describe('Folder to list, relative to the archive root ("" = root).'),
  depth: z
    .int()
    .min(1)
    .max(8)
    .default(2)
    .describe("How many folder levels to show (1 = entries only)."),
});

export const ReadFileArgs = z.object({
  path: z.string().describe("File to read, e.g. exp-3/run.log or candidate/train.py."),
  offset: z.int().min(1).default(1).describe("First line to show, counting from 1."),
  limit: z.int().min(1).max(2000).default(200).describe("How many lines to show."),
});

export const GrepArgs = z.object({
  pattern: z.string().min(1).describe("JavaScript regular expression, matched per line."),
  glob: z
    .string()
    .optional()
    .describe(
      'Only files whose path matches, e.g. "*.log", "exp-*/diff.patch", "**/traces/*.jsonl". A glob without "/" matches file names.',
    ),
  path: z.string().default("").describe("Folder (or file) to search, relative to the root."),
  max_matches: z
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .describe("Stop after this many matching lines."),
  ignore_case: z.boolean().default(false),
});

export const SqlArgs = z.object({
  query: z.string().min(1).describe("One read-only SELECT (or WITH … SELECT) statement."),
});

export const Ref = z
  .union([z.int().min(1), z.string().min(1)])
  .describe('An experiment number (e.g. 3) or "ratchet" (the current best commit).');

export const DiffArgs = z.object({
  from: Ref,
  to: Ref,
  offset: z.int().min(1).default(1).describe("First line of the diff to show, for paging."),
});

/** The worked example of the sql tool's description; test/archive checks its answer. */
export const FAILED_BY_LAST_THREE = `WITH best AS (SELECT coalesce(max(id) FILTER (WHERE outcome = 'keep'), min(id) FILTER (WHERE outcome = 'baseline')) AS id FROM experiments), recent AS (SELECT id FROM experiments WHERE kind = 'candidate' AND status = 'ok' AND id <> (SELECT id FROM best) ORDER BY id DESC LIMIT 3) SELECT b.task_id, group_concat(r.experiment || ':' || r.score, ' ' ORDER BY r.experiment) AS recent_scores FROM tasks b JOIN tasks r ON r.task_id = b.task_id AND r.experiment IN (SELECT id FROM recent) WHERE b.experiment = (SELECT id FROM best) AND b.score >= 1 AND r.score < 1 GROUP BY b.task_id HAVING count(*) = (SELECT count(*) FROM recent) ORDER BY b.task_id`;

export const TOOL_DESCRIPTIONS = {
  list_files: `List the session's archive as a tree with file sizes. The root holds ledger.jsonl (every event), results.tsv, one exp-<n>/ folder per experiment (proposal.json, diff.patch, files/<path> = the edited files, result.json, run.log, out/ with metrics.json and traces/*.jsonl) and candidate/ (the editable files at the current best commit).`,
  read_file:
    "Read a text file from the archive with numbered lines, a page at a time (offset/limit). Long lines are cut; a note at the end says how to read on.",
  grep: 'Search file contents in the archive with a regular expression; prints path:line: text for each matching line. Use glob/path to narrow the search (e.g. glob "*.log" for run logs, "**/traces/*.jsonl" for per-task traces).',
  sql: `Query the archive's SQLite index with one read-only SELECT; prints a tab-separated table (at most 200 rows; use LIMIT/OFFSET for more). Tables:
- experiments(id, kind [baseline|candidate|confirm|rebase], outcome [baseline|keep|discard|crash, NULL while running], status [ok|crash|timeout|invalid], reason, description, hypothesis, value REAL [the judged metric], delta REAL [improvement over the best before, positive = better], wall_s, sha, parent, proposed_at, finished_at)
- metrics(experiment, name, value) — every metric each run reported
- tasks(id, experiment, task_id, score, file, line, data) — one row per task from each finished experiment's out/traces/*.jsonl (at most 100,000 per experiment): score REAL (NULL if the record has none), file and line = where the record is (read_file it for the whole), data = the record's JSON, e.g. json_extract(data, '$.output'). A record over 64 KiB is cut and marked: data then holds its small top-level fields plus "truncated": {"bytes": <full length>, "head": <its start>}; find such rows with json_extract(data, '$.truncated') IS NOT NULL (the runner marks records over 256 KiB the same way in the trace file itself)
- task_text(data) — FTS5 full text of tasks.data, rowid = tasks.id: SELECT t.experiment, t.task_id, snippet(task_text, 0, '[', ']', '…', 12) FROM task_text JOIN tasks t ON t.id = task_text.rowid WHERE task_text MATCH 'timeout' LIMIT 20; to search within some experiments' tasks, filter tasks first: SELECT task_id FROM tasks WHERE experiment = 7 AND score = 0 AND id IN (SELECT rowid FROM task_text WHERE task_text MATCH '"not found"')
- documents(experiment, path, content) — FTS5 full text of each finished experiment's proposal.json, diff.patch and run.log; search with WHERE documents MATCH 'word' and show hits with snippet(documents, 2, '[', ']', '…', 12)
Examples: SELECT e.id, e.description, m.value FROM experiments e JOIN metrics m ON m.experiment = e.id WHERE m.name = 'peak_vram_mb' ORDER BY m.value
Tasks the last three candidates all failed that the best (latest kept) passed, pass = score >= 1: ${FAILED_BY_LAST_THREE}`,
  diff: 'Show the code difference between two experiments\' commits (unified diff), e.g. from 3 to 17, or from "ratchet" (the current best) to 17. Long diffs are paged with offset.',
} as const;

export const TOOL_SCHEMAS = {
  list_files: ListFilesArgs,
  read_file: ReadFileArgs,
  grep: GrepArgs,
  sql: SqlArgs,
  diff: DiffArgs,
} as const;

export type ToolName = keyof typeof TOOL_SCHEMAS;
export const TOOL_NAMES = Object.keys(TOOL_SCHEMAS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_SCHEMAS, name);
}

/** A call that works, shown in errors so the model can copy its shape. */
export const TOOL_EXAMPLES: Record<ToolName, string> = {
  list_files: '{"path": "exp-3", "depth": 2}',
  read_file: '{"path": "exp-3/run.log", "offset": 1, "limit": 200}',
  grep: '{"pattern": "val_bpb", "glob": "*.log", "max_matches": 50}',
  sql: '{"query": "SELECT id, outcome, value FROM experiments ORDER BY value LIMIT 10"}',
  diff: '{"from": 3, "to": 17}',
};

/** One entry of the OpenAI Chat Completions `tools` array. */
export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export function toolDefinitions(): ToolDefinition[] {
  return TOOL_NAMES.map((name) => {
    // "input" keeps defaulted arguments optional; the $schema key is noise in a tool call.
    const { $schema: _, ...parameters } = z.toJSONSchema(TOOL_SCHEMAS[name], { io: "input" });
    return {
      type: "function",
      function: { name, description: TOOL_DESCRIPTIONS[name], parameters },
    };
  });
}
