import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app/app.ts";
import { AppEnvError, gitHubServerOf, readAppEnv } from "../../src/app/app-env.ts";
import {
  GITHUB_COM,
  gitHubServer,
  isEnterpriseServer,
  repoWebUrl,
} from "../../src/app/github-server.ts";
import { enterpriseServerRefusal, sessionsOn } from "../../src/app/github-server-sessions.ts";
import { WorkQueue } from "../../src/app/work-queue.ts";
import { useNock } from "../forge/github/github-mock.ts";
import { OWNER, REPO } from "../forge/github/github-shapes.ts";
import { AppApiMock } from "./handlers/app-api-mock.ts";
import { privateKey, QuietOctokit, RecordingLog } from "./handlers/app-harness.ts";
import { commentCreated } from "./handlers/comment-payloads.ts";
import { RecordingSessions } from "./handlers/recording-sessions.ts";

useNock();

const GHES = gitHubServer("github.example.com");

describe("gitHubServerOf", () => {
  it("is github.com without GHE_HOST", () => {
    expect(gitHubServerOf({})).toEqual(GITHUB_COM);
    expect(gitHubServerOf({ GHE_HOST: "" })).toEqual(GITHUB_COM);
    expect(repoWebUrl(gitHubServerOf({}), OWNER, REPO)).toBe("https://github.com/octo-org/lab");
  });

  it("links to the host Probot is given, with GHE_PROTOCOL's scheme when set", () => {
    const server = gitHubServerOf({ GHE_HOST: "github.example.com" });
    expect(server).toEqual({ webUrl: "https://github.example.com", host: "github.example.com" });
    expect(repoWebUrl(server, OWNER, REPO)).toBe("https://github.example.com/octo-org/lab");
    const plain = gitHubServerOf({ GHE_HOST: "ghe.internal:8080", GHE_PROTOCOL: "http" });
    expect(repoWebUrl(plain, OWNER, REPO)).toBe("http://ghe.internal:8080/octo-org/lab");
  });
});

describe("isEnterpriseServer", () => {
  it("is GitHub Enterprise Server only: not github.com, not GHE.com (data residency)", () => {
    expect(isEnterpriseServer(GITHUB_COM)).toBe(false);
    expect(isEnterpriseServer(gitHubServer("octo-corp.ghe.com"))).toBe(false);
    expect(isEnterpriseServer(GHES)).toBe(true);
    expect(isEnterpriseServer(gitHubServer("ghe.internal:8080", "http"))).toBe(true);
  });
});

describe("readAppEnv with GHE_HOST", () => {
  const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
  const complete = { APP_ID: "123", PRIVATE_KEY: KEY, WEBHOOK_SECRET: "s3cret" };

  it("takes a host name, with a port if need be", () => {
    for (const GHE_HOST of ["github.example.com", "127.0.0.1:8443"])
      expect(readAppEnv({ ...complete, GHE_HOST }, () => false)).toEqual({ kind: "serve" });
  });

  it("names a URL given for a host, and a protocol Probot cannot use", () => {
    const env = { ...complete, GHE_HOST: "https://github.example.com/", GHE_PROTOCOL: "ftp" };
    expect(() => readAppEnv(env, () => false)).toThrow(AppEnvError);
    let problems: readonly string[] = [];
    try {
      readAppEnv(env, () => false);
    } catch (error) {
      if (error instanceof AppEnvError) problems = error.problems;
    }
    expect(problems).toEqual([
      'GHE_PROTOCOL is "ftp": give https (the default) or http',
      'GHE_HOST is "https://github.example.com/": give the server\'s host name alone, e.g. github.example.com, without https:// or a path (Probot adds https:// and /api/v3); leave it unset for github.com',
    ]);
  });
});

/** The App as main.ts loads it on `server`, over sessions that record what reaches them. */
async function appOn(server = GHES) {
  const sessions = new RecordingSessions();
  const log = new RecordingLog();
  const queue = new WorkQueue(log);
  const warnings: string[] = [];
  const probot = new Probot({ appId: 1, privateKey, logLevel: "fatal", Octokit: QuietOctokit });
  const offered = sessionsOn(server, sessions, { warn: (m) => warnings.push(m) });
  await probot.load(createApp({ sessions: offered, log, queue }));
  const deliver = async (body: string) => {
    const payload = commentCreated({ body });
    await probot.receive({ id: "delivery-1", name: "issue_comment", payload } as Parameters<
      Probot["receive"]
    >[0]);
    await queue.idle();
  };
  return { sessions, warnings, deliver };
}

const CONFIG = `version: 1
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
`;

describe("/autoopt start on GitHub Enterprise Server", () => {
  const heard = () => new AppApiMock().token().eyes().permission("admin", "admin");

  it("is refused at once, naming the server, the cause and what to do; nothing starts", async () => {
    const app = await appOn();
    const api = heard().config(CONFIG).comment();
    await app.deliver("/autoopt start --budget 90s");
    expect(app.sessions.calls).toEqual([]);
    expect(api.comments()).toEqual([enterpriseServerRefusal(GHES)]);
    const reply = enterpriseServerRefusal(GHES);
    expect(reply).toMatch(
      /^autoopt cannot run sessions here: this App is connected to \*\*github\.example\.com\*\*, a GitHub Enterprise Server/,
    );
    expect(reply).toContain(
      "`@actions/artifact` does not support artifact uploads on GitHub Enterprise Server, so every run would fail at its upload",
    );
    expect(reply).toContain("`npx autoopt init` and `npx autoopt run`");
    expect(reply).toContain("github.com or GitHub Enterprise Cloud (GHE.com included)");
    expect(app.warnings).toEqual([
      "GHE_HOST is github.example.com, a GitHub Enterprise Server: /autoopt start will be refused there, because the autoopt action cannot upload its results as artifacts on GitHub Enterprise Server (see docs/app.md)",
    ]);
  });

  it("passes the other commands to the sessions", async () => {
    const app = await appOn();
    const api = heard().comment();
    await app.deliver("/autoopt status");
    expect(app.sessions.calls.map((c) => c.method)).toEqual(["status"]);
    expect(api.comments()).toEqual(["status refreshed (status)"]);
  });

  it("leaves the sessions as they are on github.com and on GHE.com", async () => {
    const sessions = new RecordingSessions();
    expect(sessionsOn(GITHUB_COM, sessions)).toBe(sessions);
    expect(sessionsOn(gitHubServer("octo-corp.ghe.com"), sessions)).toBe(sessions);
    const app = await appOn(gitHubServer("octo-corp.ghe.com"));
    const api = heard().config(CONFIG).comment();
    await app.deliver("/autoopt start");
    expect(app.sessions.calls.map((c) => c.method)).toEqual(["start"]);
    expect(api.comments()).toEqual(["session started (start)"]);
    expect(app.warnings).toEqual([]);
  });
});
