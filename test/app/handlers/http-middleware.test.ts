import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app/app.ts";
import { WorkQueue } from "../../../src/app/work-queue.ts";
import { AppApiMock } from "./app-api-mock.ts";
import { privateKey, QuietOctokit, RecordingLog } from "./app-harness.ts";
import { commentCreated } from "./comment-payloads.ts";
import { RecordingSessions } from "./recording-sessions.ts";

// useNock() would count the loopback delivery itself as a request no mock matched (nock sees
// every HTTP client in the process), so this file keeps the same rules with loopback let through.
const unmatched: string[] = [];
const onNoMatch = (req: { method: string; url: string }) => {
  if (new URL(req.url).hostname !== "127.0.0.1") unmatched.push(`${req.method} ${req.url}`);
};
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  nock.emitter.on("no match", onNoMatch);
});
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  const pending = nock.pendingMocks();
  const missed = unmatched.splice(0);
  nock.cleanAll();
  expect(missed, "requests no mock matched").toEqual([]);
  expect(pending, "mocks never called").toEqual([]);
});
afterAll(() => {
  nock.emitter.removeListener("no match", onNoMatch);
  nock.enableNetConnect();
});

const SECRET = "webhook-secret";
const servers: Server[] = [];

/**
 * The App behind Probot's real webhook middleware, on a loopback port: one process of it, with
 * its own Probot and nothing remembered from any other.
 */
async function listen() {
  const sessions = new RecordingSessions();
  const queue = new WorkQueue(new RecordingLog());
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: SECRET,
    logLevel: "fatal",
    Octokit: QuietOctokit,
  });
  const app = createApp({ sessions, log: new RecordingLog(), queue });
  const middleware = await createNodeMiddleware(app, { probot });
  const server = createServer((req, res) => void middleware(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const post = (payload: object, secret = SECRET) => {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "issue_comment",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signature,
      },
    });
  };
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { sessions, queue, post, stop };
}

describe("createApp behind Probot's HTTP middleware", () => {
  it("answers a signed command with 200 while the session is still at work", async () => {
    const { sessions, queue, post } = await listen();
    const api = new AppApiMock().token().eyes().permission("admin", "admin").comment();
    const release = sessions.hold();
    const response = await post(commentCreated({ body: "/autoopt stop" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok\n");
    expect(queue.size).toBe(1);
    release();
    await queue.idle();
    expect(api.comments()).toEqual(["session stopping (stop)"]);
  });

  it("answers a command redelivered to a restarted App once, by the 👀 GitHub kept", async () => {
    const api = new AppApiMock().token().eyes().permission("admin", "admin").comment();
    const payload = commentCreated({ body: "/autoopt stop" });
    const before = await listen();
    expect((await before.post(payload)).status).toBe(200);
    await before.queue.idle();
    await before.stop();

    const after = await listen();
    new AppApiMock().token().eyes(200);
    const response = await after.post(payload);
    expect(response.status).toBe(200);
    await after.queue.idle();
    expect(after.sessions.calls).toEqual([]);
    expect(api.comments()).toEqual(["session stopping (stop)"]);
  });

  it("refuses a delivery with a wrong signature, and runs nothing", async () => {
    const { sessions, queue, post } = await listen();
    const response = await post(commentCreated({ body: "/autoopt stop" }), "not-the-secret");
    expect(response.status).toBe(400);
    await queue.idle();
    expect(sessions.calls).toEqual([]);
  });
});
