import type { Env } from "./app-env.ts";

/**
 * The server could not take its port. Nothing was sent to GitHub: the App resumes sessions only
 * once it serves, so a second `npm start` beside a running one leaves that one's work alone.
 */
export class ListenError extends Error {
  constructor(problem: string, fix: string, cause: unknown) {
    super(`autoopt cannot start: ${problem}. ${fix}. Nothing was sent to GitHub.`, { cause });
    this.name = "ListenError";
  }
}

/** A ListenError for a failed `listen` (EADDRINUSE, EACCES, EADDRNOTAVAIL), else undefined. */
export function listenErrorOf(error: unknown, env: Env): ListenError | undefined {
  const code = codeOf(error);
  // The values Probot listens on: `Number(PORT) || 3000`, and HOST or localhost.
  const port = Number(env.PORT) || 3000;
  const host = env.HOST || "localhost";
  const where = `port ${port} on ${host}`;
  switch (code) {
    case "EADDRINUSE":
      return new ListenError(
        `${where} is already in use by another process (another \`npm start\` of the App?)`,
        "Stop that process, or set PORT to a free port (in the environment or in .env)",
        error,
      );
    case "EACCES":
      return new ListenError(
        `this user may not listen on ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE`,
        "Set PORT to 1024 or above and let a reverse proxy take 80 or 443 (docs/app.md, Deploy)",
        error,
      );
    case "EADDRNOTAVAIL":
      return new ListenError(
        `HOST ${host} is not an address of this machine`,
        "Set HOST to one of its addresses, 0.0.0.0 for all of them, or leave it unset for localhost",
        error,
      );
    default:
      return undefined;
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}
