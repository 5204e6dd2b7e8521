import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError } from "../forge/github/github-shapes.ts";
import { checkResponse } from "../forge/github/openapi.ts";
import { privateKey } from "./handlers/app-harness.ts";

// `npm start` as deployed: src/app/main.ts in a child process of its own, talking to a GitHub
// on a loopback port (GHE_HOST) that records every request. No nock here: the child's requests
// must really leave it, and nock would intercept this file's own requests to the child.

const MAIN = join(import.meta.dirname, "../../src/app/main.ts");
const SECRET = "webhook-secret";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** GitHub's API under `/api/v3`, as GitHub Enterprise Server serves it; every request is kept. */
async function loopbackGitHub(onInstallations: () => Promise<void> = async () => {}) {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "GET" && req.url === "/api/v3/app/installations?per_page=100") {
      void onInstallations().then(() => json(200, []));
      return;
    }
    json(404, apiError(404, "Not Found", "rest"));
  });
  const port = await listening(server, 0);
  cleanups.push(() => closed(server));
  return { host: `127.0.0.1:${port}`, requests };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `node src/app/main.ts` in an empty folder (no `.env`), on `port`, against `github`. */
function startApp(port: number, github: string): Started {
  const cwd = mkdtempSync(join(tmpdir(), "autoopt-main-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: String(port),
    GHE_HOST: github,
    GHE_PROTOCOL: "http",
    LOG_FORMAT: "json",
  };
  const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exit;
    rmSync(cwd, { recursive: true, force: true });
  });
  return { child, output: () => output, exit };
}

function listening(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closed(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on (there is a moment in which another process could take it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listening(probe, 0);
  await closed(probe);
  return port;
}

describe("npm start (src/app/main.ts)", () => {
  it("serves first, then resumes the sessions of every installation", async () => {
    checkResponse("get", "/app/installations", 200, []);
    const port = await freePort();
    let pingWhenAsked = "";
    const github = await loopbackGitHub(async () => {
      // The App's first request: its server must already answer.
      pingWhenAsked = await (await fetch(`http://127.0.0.1:${port}/ping`)).text();
    });
    const app = startApp(port, github.host);
    await vi.waitFor(() => expect(app.output()).toContain("reconciled the sessions"), {
      timeout: 30_000,
      interval: 50,
    });
    expect(pingWhenAsked).toBe("PONG");
    expect(github.requests).toEqual(["GET /api/v3/app/installations?per_page=100"]);
    app.child.kill("SIGTERM");
    expect(await app.exit).toBe(0);
  });

  it("exits 1 on a port another process holds, saying how to fix it, and asks GitHub nothing", async () => {
    const holder = createServer();
    const port = await listening(holder, 0);
    cleanups.push(() => closed(holder));
    const github = await loopbackGitHub();
    const app = startApp(port, github.host);
    expect(await app.exit).toBe(1);
    // Anything in flight would have arrived while the process wound down: it did, before.
    expect(github.requests).toEqual([]);
    expect(app.output()).toContain(
      `autoopt cannot start: port ${port} on 127.0.0.1 is already in use by another process`,
    );
    expect(app.output()).toContain(
      "Stop that process, or set PORT to a free port (in the environment or in .env)",
    );
  });
});
