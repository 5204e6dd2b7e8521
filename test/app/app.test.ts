import { readFileSync } from "node:fs";
import nock from "nock";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AppEnvError, archiveDirOf, readAppEnv } from "../../src/app/app-env.ts";
import { proposerFor } from "../../src/app/app-proposer.ts";
import { reconcileInstallations } from "../../src/app/reconcile-installations.ts";
import { loadConfig } from "../../src/config/index.ts";
import { LlmProposer, SearchProposer } from "../../src/proposer/index.ts";
import { useNock } from "../forge/github/github-mock.ts";
import { API } from "../forge/github/github-shapes.ts";
import { checkResponse, example, first, object } from "../forge/github/openapi.ts";
import { privateKey, QuietOctokit, RecordingLog } from "./handlers/app-harness.ts";
import { RecordingSessions } from "./handlers/recording-sessions.ts";

useNock();

describe("app.yml", () => {
  const manifest = object(parse(readFileSync("app.yml", "utf8")), "app.yml");

  it("asks for exactly the least privilege autoopt needs, and never `workflows`", () => {
    expect(manifest.default_permissions).toStrictEqual({
      contents: "write",
      pull_requests: "write",
      issues: "write",
      actions: "write",
      metadata: "read",
    });
    expect(manifest.default_permissions).not.toHaveProperty("workflows");
  });

  it("subscribes to the events the App handles, and is private", () => {
    expect(manifest.default_events).toStrictEqual([
      "issue_comment",
      "workflow_run",
      "workflow_job",
      "pull_request",
      "pull_request_review",
    ]);
    expect(manifest.public).toBe(false);
    expect(manifest.name).toBe("autoopt");
    expect(object(manifest.hook_attributes, "hook_attributes").url).toMatch(
      /^https:\/\/.+\/api\/github\/webhooks$/,
    );
    // Probot's setup page finishes the manifest flow at this path.
    expect(manifest.redirect_url).toBe("http://localhost:3000/probot/setup");
  });
});

describe("readAppEnv", () => {
  const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
  const complete = { APP_ID: "123", PRIVATE_KEY: KEY, WEBHOOK_SECRET: "s3cret" };
  const nothingExists = () => false;

  it("serves when the App's id, key and secret are set", () => {
    expect(readAppEnv(complete, nothingExists)).toEqual({ kind: "serve" });
    const byPath = { APP_ID: "123", PRIVATE_KEY_PATH: "app.pem", WEBHOOK_SECRET: "s" };
    expect(readAppEnv(byPath, (path) => path === "app.pem")).toEqual({ kind: "serve" });
    const base64 = { ...complete, PRIVATE_KEY: Buffer.from(KEY).toString("base64") };
    expect(readAppEnv(base64, nothingExists)).toEqual({ kind: "serve" });
  });

  it("leaves a fresh development checkout to Probot's setup page", () => {
    expect(readAppEnv({}, nothingExists)).toEqual({ kind: "setup" });
  });

  it("names every missing variable in production, with where its value is", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^APP_ID is not set: it is the "App ID" number on the App's settings page/,
    );
    expect(problems[1]).toMatch(
      /^PRIVATE_KEY and PRIVATE_KEY_PATH are both unset: generate a private key/,
    );
    expect(problems[2]).toMatch(/^WEBHOOK_SECRET is not set: use the webhook secret/);
  });

  it("says what is wrong with each malformed value", () => {
    const problems = problemsOf({
      APP_ID: "my-app",
      PRIVATE_KEY_PATH: "missing.pem",
      WEBHOOK_SECRET: "s",
      PORT: "http",
      WEBHOOK_PROXY_URL: "smee",
    });
    expect(problems).toEqual([
      'APP_ID is "my-app", not a number: copy the "App ID" from the App\'s settings page (Settings → Developer settings → GitHub Apps)',
      'PRIVATE_KEY_PATH is "missing.pem", and there is no file there',
      'PORT is "http": give a port number from 0 to 65535 (default 3000)',
      'WEBHOOK_PROXY_URL is "smee", not a URL: give the channel URL, e.g. https://smee.io/AbC123',
    ]);
    expect(problemsOf({ ...complete, PRIVATE_KEY: "not a key" })).toEqual([
      "PRIVATE_KEY does not hold a PEM private key: paste the whole .pem file (with its BEGIN and END lines), or its base64 encoding",
    ]);
  });

  function problemsOf(env: Record<string, string>): readonly string[] {
    try {
      readAppEnv(env, nothingExists);
    } catch (error) {
      if (error instanceof AppEnvError) return error.problems;
    }
    throw new Error("expected an AppEnvError");
  }
});

describe("archiveDirOf", () => {
  it("caches session archives in AUTOOPT_ARCHIVE_DIR, else in the temporary folder", () => {
    expect(archiveDirOf({ AUTOOPT_ARCHIVE_DIR: "/var/cache/autoopt" }, "/tmp")).toBe(
      "/var/cache/autoopt",
    );
    expect(archiveDirOf({}, "/tmp")).toBe("/tmp/autoopt-app-archive");
    expect(archiveDirOf({ AUTOOPT_ARCHIVE_DIR: " " }, "/tmp")).toBe("/tmp/autoopt-app-archive");
    expect(archiveDirOf({ AUTOOPT_ARCHIVE_DIR: "cache" }, "/tmp")).toBe(`${process.cwd()}/cache`);
  });
});

describe("reconcileInstallations", () => {
  it("asks the sessions to reconcile every repository of every installation, past failures", async () => {
    const probot = new Probot({ appId: 1, privateKey, logLevel: "fatal", Octokit: QuietOctokit });
    const installation = { ...example("base-installation"), id: 11 };
    // Not checked against the description: its converter reads the nullable anyOf of
    // `installation.account` as the enterprise branch alone, and refuses GitHub's own example.
    const repo = first(example("repository-paginated-2").repositories, "repositories");
    const repos = { total_count: 2, repositories: [repo, { ...repo, name: "other" }] };
    checkResponse("get", "/installation/repositories", 200, repos);
    nock(API)
      .get("/app/installations")
      .query({ per_page: "100" })
      .reply(200, [installation])
      .post("/app/installations/11/access_tokens")
      .reply(201, { ...example("installation-token"), expires_at: "2099-01-01T00:00:00Z" })
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .reply(200, repos);
    const sessions = new RecordingSessions();
    const failing = {
      reconcile: async (owner: string, name: string, id: number) => {
        await sessions.reconcile(owner, name, id);
        if (name === "Hello-World") throw new Error("ledger unreadable");
      },
    };
    const log = new RecordingLog();
    await reconcileInstallations(probot, failing, log);
    expect(sessions.calls).toEqual([
      { method: "reconcile", owner: "octocat", repo: "Hello-World", installationId: 11 },
      { method: "reconcile", owner: "octocat", repo: "other", installationId: 11 },
    ]);
    expect(log.messages("error")).toEqual(["could not reconcile the sessions"]);
    expect(log.lines.at(-1)?.fields).toEqual({ installations: 1, repositories: 2 });
  });
});

describe("proposerFor", () => {
  const configWithKey = (name: string) =>
    loadConfig(`version: 1
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
proposer: { kind: llm, model: some-model, base_url: "https://llm.example/v1", api_key_env: ${name} }
`);
  const env = {
    OPENAI_API_KEY: "sk-test",
    PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----",
    WEBHOOK_SECRET: "s",
  };

  it("gives the LLM proposer the key its config names", () => {
    const log = new RecordingLog();
    expect(proposerFor(env, log)(configWithKey("OPENAI_API_KEY"))).toBeInstanceOf(LlmProposer);
    expect(log.messages("info")).toEqual([
      "autoopt: proposer some-model at https://llm.example/v1",
    ]);
  });

  it.each(["PRIVATE_KEY", "WEBHOOK_SECRET"])(
    "never hands the App's own %s to a config's base_url",
    (name) => {
      const log = new RecordingLog();
      expect(proposerFor(env, log)(configWithKey(name))).toBeInstanceOf(SearchProposer);
      expect(log.messages("info")[0]).toMatch(new RegExp(`^autoopt: ${name} is not set`));
    },
  );
});
