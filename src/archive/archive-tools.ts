import { closeSync, readSync, realpathSync } from "node:fs";
import { relative, sep } from "node:path";
import picomatch from "picomatch";
import { z } from "zod";
import type { ArchiveIndex } from "./archive-index.ts";
import { databaseFiles, type HiddenRules } from "./archive-paths.ts";
import { diffPage } from "./diff-tool.ts";
import { count, error, size } from "./format.ts";
import { grepFiles } from "./grep-files.ts";
import { listFiles } from "./list-files.ts";
import { formatPage, PAGE_BUDGET, type Page, pageLines, textSource } from "./page-lines.ts";
import { riskyPattern } from "./risky-pattern.ts";
import { sqlTable } from "./sql-table.ts";
import {
  DiffArgs,
  GrepArgs,
  isToolName,
  ListFilesArgs,
  ReadFileArgs,
  SqlArgs,
  TOOL_EXAMPLES,
  TOOL_NAMES,
  type ToolDefinition,
  type ToolName,
  toolDefinitions,
} from "./tool-schemas.ts";
import { type FileNode, VirtualFs } from "./virtual-fs.ts";

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
    return this.invoke("list_files", args);
  }

  read_file(args: z.input<typeof ReadFileArgs>): Promise<string> {
    return this.invoke("read_file", args);
  }

  grep(args: z.input<typeof GrepArgs>): Promise<string> {
    return this.invoke("grep", args);
  }

  sql(args: z.input<typeof SqlArgs>): Promise<string> {
    return this.invoke("sql", args);
  }

  diff(args: z.input<typeof DiffArgs>): Promise<string> {
    return this.invoke("diff", args);
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
    if (!isToolName(name))
      return error(`unknown tool "${name}"; the tools are ${TOOL_NAMES.join(", ")}`);
    let args: unknown;
    try {
      args = JSON.parse(argumentsJson.trim() === "" ? "{}" : argumentsJson);
    } catch (e) {
      return error(
        `the arguments of ${name} are not valid JSON (${(e as Error).message}); send one JSON object, e.g. ${TOOL_EXAMPLES[name]}`,
      );
    }
    if (typeof args !== "object" || args === null || Array.isArray(args))
      return error(`the arguments of ${name} must be a JSON object, e.g. ${TOOL_EXAMPLES[name]}`);
    return this.invoke(name, args);
  }

  private invoke(name: ToolName, args: unknown): Promise<string> {
    switch (name) {
      case "list_files":
        return this.run(name, ListFilesArgs, args, (a) => this.listFiles(a.path, a.depth));
      case "read_file":
        return this.run(name, ReadFileArgs, args, (a) => this.readFile(a.path, a.offset, a.limit));
      case "grep":
        return this.run(name, GrepArgs, args, (a) => this.search(a));
      case "sql":
        return this.run(name, SqlArgs, args, (a) => this.query(a.query));
      case "diff":
        return this.run(name, DiffArgs, args, (a) =>
          diffPage(a.from, a.to, a.offset, this.options),
        );
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
    if (!parsed.success) {
      const why = z.prettifyError(parsed.error).replaceAll("\n", " ");
      return error(`bad arguments for ${name}: ${why}; e.g. ${TOOL_EXAMPLES[name]}`);
    }
    try {
      return await body(parsed.data);
    } catch (e) {
      return error(`${name} failed: ${(e as Error).message}`);
    }
  }

  private listFiles(path: string, depth: number): string {
    const node = this.fs.resolve(path);
    if ("error" in node) return error(node.error);
    if (node.kind === "file") return `${node.path}  ${size(this.fs.size(node))}`;
    return listFiles(this.fs, node, depth);
  }

  private readFile(path: string, offset: number, limit: number): string {
    const node = this.fs.resolve(path);
    if ("error" in node) return error(node.error);
    if (node.kind === "dir")
      return error(
        `${node.path || "the root"} is a folder; call list_files with path="${node.path}"`,
      );
    const page = this.page(node, offset, limit);
    if (page.binary)
      return error(
        `${node.path} is a binary file (${size(this.fs.size(node))}); read_file shows text only`,
      );
    if (page.total === 0) return `(${node.path} is empty)`;
    if (offset > page.total) {
      const last = Math.max(1, page.total - limit + 1);
      return error(
        `offset ${count(offset)} is past the end of ${node.path}, which has ${count(page.total)} lines; call read_file with offset=${last}`,
      );
    }
    return formatPage(page, (next) => `call read_file with offset=${next}`);
  }

  private search(a: z.output<typeof GrepArgs>): string | Promise<string> {
    if (riskyPattern(a.pattern)) {
      return error(
        "the pattern repeats a group that itself repeats (like (a+)+), which can take exponential time; drop the outer repetition or search for a plainer piece of text",
      );
    }
    let regex: RegExp;
    try {
      regex = new RegExp(a.pattern, a.ignore_case ? "gim" : "gm");
    } catch (e) {
      return error(
        `invalid regular expression: ${(e as Error).message}; escape ( ) [ ] { } . * + ? | with a backslash to match them literally`,
      );
    }
    const node = this.fs.resolve(a.path);
    if ("error" in node) return error(node.error);
    const files = node.kind === "file" ? [node] : this.fs.files(node);
    return grepFiles(this.fs, filter(files, a.glob, node.path), {
      regex,
      maxMatches: a.max_matches,
    });
  }

  private async query(sql: string): Promise<string> {
    try {
      return sqlTable(await this.options.index.query(sql, 200));
    } catch (e) {
      return error((e as Error).message);
    }
  }

  private page(file: FileNode, offset: number, limit: number): Page {
    if (file.text !== undefined)
      return pageLines(textSource(file.text), offset, limit, PAGE_BUDGET);
    const { fd } = this.fs.openFile(file);
    try {
      const read = (into: Buffer) => readSync(fd, into, 0, into.length, null);
      return pageLines(read, offset, limit, PAGE_BUDGET);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Files whose path matches the glob: a glob with "/" is matched against the path from the root
 * and from the searched folder, one without against the file name (as ripgrep does). picomatch's
 * own `basename` option is not used: with it, globs that contain "/" stop matching at all.
 */
function* filter(files: Iterable<FileNode>, glob: string | undefined, base: string) {
  const matches = glob === undefined ? undefined : picomatch(glob, { dot: true });
  const byName = glob !== undefined && !glob.includes("/");
  for (const file of files) {
    if (!matches) yield file;
    else if (byName) {
      if (matches(file.path.slice(file.path.lastIndexOf("/") + 1))) yield file;
    } else if (matches(file.path) || matches(file.path.slice(base.length + 1))) yield file;
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
