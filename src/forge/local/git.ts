import { execFile } from "node:child_process";

export class GitError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GitError";
    this.stderr = stderr;
  }
}

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  /** The whole environment for git; inherited when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Runs git and returns stdout; throws a GitError carrying git's own message. */
export function git(args: readonly string[], options: GitOptions): Promise<string> {
  return gitBuffer(args, options).then((b) => b.toString("utf8"));
}

export function gitBuffer(args: readonly string[], options: GitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      {
        cwd: options.cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        ...(options.env ? { env: { ...options.env, GIT_TERMINAL_PROMPT: "0" } } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const text = stderr.toString("utf8").trim();
          reject(
            new GitError(`git ${args[0]} failed: ${text || error.message}`, text, { cause: error }),
          );
        } else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Identity for commits autoopt makes, so they work in repositories without user.name set. */
export const AUTOOPT_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: "autoopt",
  GIT_AUTHOR_EMAIL: "autoopt@users.noreply.github.com",
  GIT_COMMITTER_NAME: "autoopt",
  GIT_COMMITTER_EMAIL: "autoopt@users.noreply.github.com",
};
