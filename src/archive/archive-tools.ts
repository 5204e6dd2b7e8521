import { closeSync, readSync, realpathSync } from "node:fs";
import { relative, sep } from "node:path";
import picomatch from "picomatch";
import { z } from "zod";
import type { ArchiveIndex } from "./archive-index.ts";
import { databaseFiles, type HiddenRules } from "./archive-paths.ts";
import { count, error, size } from "./format.ts";
import { grepFiles } from "./grep-files.ts";
import { listFiles } from "./list-files.ts";
import { formatPage, PAGE_BUDGET, pageLines, textSource } from "./page-lines.ts";
import { sqlTable } from "./sql-table.ts";
import { DiffArgs, GrepArgs, ListFilesArgs, ReadFileArgs, SqlArgs } from "./tool-schemas.ts";
import { type FileNode, VirtualFs } from "./virtual-fs.ts";
import { refSha, toolDefinitions, type ToolDefinition, type ToolName, TOOL_NAMES } from "./tool-definitions.ts";

export interface ArchiveToolsOptions {
  sessionDir: string;
  index: ArchiveIndex;
  /** The editable files at the ratchet head, path → content; shown under candidate/. */
  candidate: ReadonlyMap<string, string>;
  /** `git diff` between two commits, provided by the caller. */
  diff: (from: string, to: string) => Promise<string>;
  shaOf: (experiment: number) => string | undefined;
  /** The ratchet head's commit, so the model can diff against "ratchet". */
  ratchetSha?: () => string | undefined;
  /** Extra paths the tools must never expose (e.g. held-out results). */
  hidden?: (relativePath: string) => boolean;
}

/**
 * The proposer's read-only tools over a session's archive. Every method answers with text for
 * the model — a failure is an `error:` line that says how to fix the call, never a throw — and
 * nothing can reach outside the session folder or into what it hides.
 */
export class ArchiveTools {
  private readonly options: ArchiveToolsOptions;
  private readonly fs: VirtualFs;

  constructor(options: ArchiveToolsOptions) {
    this.options = options;
    const rules: HiddenRules = { paths: indexPaths(options.sessionDir, options.index.file) };
    if (options.hidden) rules.extra = options.hidden;
    this.fs = new VirtualFs(options.sessionDir, options.candidate, rules);
  }

  list_files(args: z.input<typeof ListFilesArgs>): Promise<string> {
    return this.run("list_files", ListFilesArgs, args, ({ path, depth }) => {
      const node = this.fs.resolve(path);
      if ("error" in node) return error(node.error);
      if (node.kind === "file") return `${node.path}  ${size(this.fs.size(node))}`;
      return listFiles(this.fs, node, depth);
    });
  }

  read_file(args: z.input<typeof ReadFileArgs>): Promise<string> {
    return this.run("read_file", ReadFileArgs, args, ({ path, offset, limit }) => {
      const node = this.fs.resolve(path);
      if ("error" in node) return error(node.error);
      if (node.kind === "dir")
        return error(`${node.path || "the root"} is a folder; call list_files with path="${node.path}"`);
      const page = this.page(node, offset, limit);
      if (page.binary)
        return error(`${node.path} is a binary file (${size(this.fs.size(node))}); read_file shows text only`);
      if (page.total === 0) return `(${node.path} is empty)`;
      if (offset > page.total)
        return error(
          `offset ${count(offset)} is past the end of ${node.path}, which has ${count(page.total)} lines; call read_file with offset=${Math.max(1, page.total - limit + 1)}`,
        );
      return formatPage(page, (next) => `call read_file with offset=${next}`);
    });
  }

  grep(args: z.input<typeof GrepArgs>): Promise<string> {
    return this.run("grep", GrepArgs, args, (a) => {
      let regex: RegExp;
      try {
        regex = new RegExp(a.pattern, a.ignore_case ? "gim" : "gm");
      } catch (e) {
        return error(
          `invalid regular expression: ${(e as Error).message}; escape special characters such as ( ) [ ] { } . * + ? | with a backslash to match them literally`,
        );
      }
      const node = this.fs.resolve(a.path);
      if ("error" in node) return error(node.error);
      const files = node.kind === "file" ? [node] : this.fs.files(node);
      const literal = !a.ignore_case && !/[\\^$.*+?()[\]{}|]/.test(a.pattern) ? a.pattern : undefined;
      return grepFiles(this.fs, filter(files, a.glob, node.path), {
        regex,
        maxMatches: a.max_matches,
        ...(literal === undefined ? {} : { literal }),
      });
    });
  }

  sql(args: z.input<typeof SqlArgs>): Promise<string> {
    return this.run("sql", SqlArgs, args, async ({ query }) => {
      try {
        return sqlTable(await this.options.index.query(query, 200));
      } catch (e) {
        return error(`${(e as Error).message}`);
      }
    });
  }

  diff(args: z.input<typeof DiffArgs>): Promise<string> {
    return this.run("diff", DiffArgs, args, async ({ from, to, offset }) => {
      const a = refSha(from, this.options);
      const b = refSha(to, this.options);
      if ("error" in a) return error(a.error);
      if ("error" in b) return error(b.error);
      let text: string;
      try {
        text = await this.options.diff(a.sha, b.sha);
      } catch (e) {
        return error(`git diff ${a.label} ${b.label} failed: ${(e as Error).message}`);
      }
      if (text.trim() === "") return `no differences between ${a.label} and ${b.label}`;
      const page = pageLines(textSource(text), offset, Number.MAX_SAFE_INTEGER, PAGE_BUDGET);
      if (page.binary || offset > page.total)
        return error(`offset ${offset} is past the end of the diff (${count(page.binary ? 0 : page.total)} lines)`);
      const body = formatPage(page, (next) => `call diff with offset=${next}`);
      return `diff ${a.label} → ${b.label}\n${body}`;
    });
  }

  /** The OpenAI Chat Completions `tools` array. */
  toolDefinitions(): ToolDefinition[] {
    return toolDefinitions();
  }

  /** The same, under the name the proposer's ToolBox interface uses. */
  definitions(): ToolDefinition[] {
    return toolDefinitions();
  }

  /** Runs a tool with the model's raw JSON arguments; always answers with text. */
  async call(name: string, argumentsJson: string): Promise<string> {
    if (!(TOOL_NAMES as readonly string[]).includes(name))
      return error(`unknown tool "${name}"; the tools are ${TOOL_NAMES.join(", ")}`);
    const tool = name as ToolName;
    let args: unknown;
    try {
      args = JSON.parse(argumentsJson.trim() === "" ? "{}" : argumentsJson);
    } catch (e) {
      return error(`the arguments of ${tool} are not valid JSON (${(e as Error).message}); send one JSON object, e.g. ${EXAMPLES[tool]}`);
    }
    if (typeof args !== "object" || args === null || Array.isArray(args))
      return error(`the arguments of ${tool} must be a JSON object, e.g. ${EXAMPLES[tool]}`);
    return this.dispatch(tool, args);
  }

  private dispatch(tool: ToolName, args: object): Promise<string> {
    // Each method validates its own arguments, so an unchecked object is fine to pass on here.
    const raw = args as never;
    switch (tool) {
      case "list_files":
        return this.list_files(raw);
      case "read_file":
        return this.read_file(raw);
      case "grep":
        return this.grep(raw);
      case "sql":
        return this.sql(raw);
      case "diff":
        return this.diff(raw);
    }
  }

  /** Validates arguments and turns every failure, thrown or not, into an `error:` answer. */
  private async run<S extends z.ZodType>(
    name: ToolName,
    schema: S,
    args: unknown,
    body: (a: z.output<S>) => string | Promise<string>,
  ): Promise<string> {
    const parsed = schema.safeParse(args);
    if (!parsed.success)
      return error(`bad arguments for ${name}: ${z.prettifyError(parsed.error).replaceAll("\n", " ")}; e.g. ${EXAMPLES[name]}`);
    try {
      return await body(parsed.data);
    } catch (e) {
      return error(`${name} failed: ${(e as Error).message}`);
    }
  }

  private page(file: FileNode, offset: number, limit: number) {
    if (file.text !== undefined) return pageLines(textSource(file.text), offset, limit, PAGE_BUDGET);
    const fd = this.fs.openFile(file);
    try {
      return pageLines((into) => readSync(fd, into, 0, into.length, null), offset, limit, PAGE_BUDGET);
    } finally {
      closeSync(fd);
    }
  }
}

const EXAMPLES: Record<ToolName, string> = {
  list_files: '{"path": "exp-3", "depth": 2}',
  read_file: '{"path": "exp-3/run.log", "offset": 1, "limit": 200}',
  grep: '{"pattern": "val_bpb", "glob": "*.log", "max_matches": 50}',
  sql: '{"query": "SELECT id, outcome, value FROM experiments ORDER BY value LIMIT 10"}',
  diff: '{"from": 3, "to": 17}',
};

function* filter(files: Iterable<FileNode>, glob: string | undefined, base: string) {
  const matches = glob === undefined ? undefined : picomatch(glob, { dot: true, basename: true });
  for (const file of files) {
    const below = base === "" ? file.path : file.path.slice(base.length + 1);
    if (!matches || matches(file.path) || matches(below)) yield file;
  }
}

/** The index's database files, as paths in the archive, when the index lives inside it. */
function indexPaths(sessionDir: string, indexFile: string): Set<string> {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const rel = relative(real(sessionDir), real(indexFile));
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) return new Set();
  return new Set(databaseFiles(rel.split(sep).join("/")));
}
