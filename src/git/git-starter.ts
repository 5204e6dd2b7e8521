import { type ChildProcess, execFile, spawn } from "node:child_process";

/** What starting a program came to, as execFile's callback has it. */
export interface Ran {
  stdout: Buffer;
  stderr: Buffer;
  error?: Error & { code?: unknown; signal?: unknown };
}

export interface Start {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  input?: string | Buffer;
  maxBuffer: number;
}

// The starter's own code: it runs each program it is sent, exactly as it is sent, and answers
// with what execFile says. It ends with this process (its IPC channel closes).
const STARTER = `
const { execFile } = require("node:child_process");
process.on("message", (m) => {
  const child = execFile(m.file, m.args, { cwd: m.cwd, env: m.env, encoding: "buffer", maxBuffer: m.maxBuffer },
    (error, stdout, stderr) => {
      const failed = error ? { message: error.message, code: error.code, signal: error.signal } : undefined;
      process.send({ id: m.id, stdout, stderr, error: failed });
    });
  child.stdin?.on("error", () => {});
  if (m.input !== undefined) child.stdin?.end(m.input);
  else child.stdin?.end();
});
process.on("disconnect", () => process.exit(0));
`;

interface Answer {
  id: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  error?: { message: string; code?: unknown; signal?: unknown };
}

/**
 * Starts git processes through a small node process of autoopt's own. A fork copies the page
 * tables of the process that forks, and waits until the child has exec'd: in autoopt's large
 * process, with runs in flight on few cores, each git call held up its one thread for 5–30 ms,
 * longer than most git calls take, and every step waited behind it. The starter's forks hold up
 * only the starter. Programs run as they are given (arguments, environment, folder, input); where
 * the starter cannot run, they are started here.
 */
class Starter {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, { start: Start; resolve: (ran: Ran) => void }>();
  private next = 0;
  /** Whether it started: until then nothing sent to it has run. */
  private started = false;
  ended = false;

  constructor() {
    this.child = spawn(process.execPath, ["--input-type=commonjs", "-e", STARTER], {
      cwd: "/",
      env: {},
      // Its own process group: a Ctrl-C for autoopt's group must not end it before autoopt is done.
      detached: true,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.child.on("spawn", () => {
      this.started = true;
    });
    this.child.on("message", (answer: Answer) => this.answered(answer));
    this.child.on("error", () => this.end());
    this.child.on("exit", () => this.end());
    this.idle();
  }

  run(start: Start): Promise<Ran> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, { start, resolve });
      this.busy();
      this.child.send({ id, ...start }, (error) => {
        // Not sent: it never ran, and runs here.
        if (error && this.waiting.delete(id)) startHere(start).then(resolve);
      });
    });
  }

  private answered(answer: Answer): void {
    const resolve = this.waiting.get(answer.id)?.resolve;
    if (resolve === undefined) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.idle();
    const ran: Ran = { stdout: buffer(answer.stdout), stderr: buffer(answer.stderr) };
    if (answer.error) ran.error = Object.assign(new Error(answer.error.message), answer.error);
    resolve(ran);
  }

  /**
   * Programs sent to a starter that never started run here; one in flight when a started one
   * ended may or may not have run, and is not run again (a ref moved twice is no retry).
   */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const { start, resolve } of this.waiting.values()) {
      if (!this.started) {
        startHere(start).then(resolve);
        continue;
      }
      const error = Object.assign(new Error("the process that starts git ended"), {
        code: "EPIPE",
      });
      resolve({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), error });
    }
    this.waiting.clear();
    this.idle();
  }

  // Unreferenced while nothing is asked of it: it never keeps autoopt running.
  private busy(): void {
    this.child.ref();
    this.child.channel?.ref();
  }

  private idle(): void {
    this.child.unref();
    this.child.channel?.unref();
  }
}

let starter: Starter | undefined;

/** Runs a program as execFile would, through the starter (a new one if the last one ended). */
export function startProgram(start: Start): Promise<Ran> {
  if (starter === undefined || starter.ended) starter = new Starter();
  return starter.run(start);
}

function startHere(start: Start): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      start.file,
      [...start.args],
      { cwd: start.cwd, env: start.env, encoding: "buffer", maxBuffer: start.maxBuffer },
      (error, stdout, stderr) => resolve({ stdout, stderr, ...(error ? { error } : {}) }),
    );
    child.stdin?.on("error", () => {});
    if (start.input !== undefined) child.stdin?.end(start.input);
    else child.stdin?.end();
  });
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
