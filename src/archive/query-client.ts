import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { QueryReply, QueryResult } from "./query-protocol.ts";
import { checkSelectOnly } from "./read-only-sql.ts";

/** Why a query gave no rows; the message is written for the model that sent the query. */
export class QueryError extends Error {
  readonly kind: "refused" | "sql" | "timeout" | "failed";
  constructor(kind: QueryError["kind"], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueryError";
    this.kind = kind;
  }
}

const PROCESS_FILE = fileURLToPath(new URL("./query-process.ts", import.meta.url));

interface Pending {
  id: number;
  resolve: (result: QueryResult) => void;
  reject: (error: QueryError) => void;
}

/**
 * Runs queries in a child process, one at a time, each with a deadline. The process starts on
 * the first query and again after one is killed; while idle it does not keep Node alive.
 */
export class QueryClient {
  private readonly file: string;
  private readonly timeoutMs: number;
  private child: ChildProcess | undefined;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(file: string, timeoutMs: number) {
    this.file = file;
    this.timeoutMs = timeoutMs;
  }

  run(sql: string, maxRows: number): Promise<QueryResult> {
    const refusal = checkSelectOnly(sql);
    if (refusal) return Promise.reject(new QueryError("refused", refusal));
    if (this.closed) return Promise.reject(new QueryError("failed", "the archive index is closed"));
    const result = this.queue.then(() => this.send(sql, maxRows));
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.closed = true;
    this.stop(new QueryError("failed", "the archive index was closed"));
  }

  private send(sql: string, maxRows: number): Promise<QueryResult> {
    // A query queued behind others may come up after close(): it must not start a process.
    if (this.closed) return Promise.reject(new QueryError("failed", "the archive index is closed"));
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<QueryResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = this.timeoutMs / 1000;
        const message = `the query ran longer than ${seconds} s and was stopped; add a LIMIT, filter with WHERE, or avoid joining large tables without a condition`;
        this.stop(new QueryError("timeout", message));
      }, this.timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.pending = undefined;
        this.idle(child);
      };
      this.pending = {
        id,
        resolve: (r) => {
          settle();
          resolve(r);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      child.ref();
      child.channel?.ref();
      child.send({ id, sql, maxRows }, (e) => {
        if (e)
          this.pending?.reject(new QueryError("failed", "the query process is gone", { cause: e }));
      });
    });
  }

  private start(): ChildProcess {
    // execArgv is cleared so that the parent's loaders and inspector flags stay out of it.
    const child = fork(PROCESS_FILE, [this.file], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    child.on("message", (reply: QueryReply) => this.receive(reply));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.pending?.reject(
        new QueryError("failed", `the query process exited (code ${code}, signal ${signal})`),
      );
    });
    this.child = child;
    return child;
  }

  private receive(reply: QueryReply): void {
    const pending = this.pending;
    if (!pending) return;
    if ("fatal" in reply) pending.reject(new QueryError("failed", reply.fatal));
    else if (reply.id !== pending.id) return;
    else if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new QueryError("sql", reply.error));
  }

  private idle(child: ChildProcess): void {
    if (this.child !== child) return;
    child.unref();
    child.channel?.unref();
  }

  /** Kills the process (a running statement cannot be stopped any other way). */
  private stop(reason: QueryError): void {
    const child = this.child;
    this.child = undefined;
    child?.kill("SIGKILL");
    this.pending?.reject(reason);
  }
}
