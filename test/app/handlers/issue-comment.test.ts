import { describe, expect, it } from "vitest";
import { parseCommand, usage } from "../../../src/app/commands/parse-command.ts";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { useNock } from "../../forge/github/github-mock.ts";
import { OWNER, REPO, REPO_NODE_ID } from "../../forge/github/github-shapes.ts";
import { AppApiMock } from "./app-api-mock.ts";
import { appHarness } from "./app-harness.ts";
import { COMMENT_ID, COMMENTER, commentCreated, ISSUE } from "./comment-payloads.ts";
import { DEFAULT_BRANCH, INSTALLATION_ID } from "./webhook-payloads.ts";

useNock();

const CONFIG = `version: 1
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
`;

const AT = {
  owner: OWNER,
  repo: REPO,
  defaultBranch: DEFAULT_BRANCH,
  issue: ISSUE,
  installationId: INSTALLATION_ID,
  repositoryId: REPO_NODE_ID,
  sender: COMMENTER,
};

/** The mock of a command's first steps: token, 👀, the commenter's access. */
function heard(permission = "admin", role = "admin"): AppApiMock {
  return new AppApiMock().token().eyes().permission(permission, role);
}

describe("issue_comment.created: commands", () => {
  it("starts a session for an admin: 👀, config from the default branch, start, its reply", async () => {
    const app = await appHarness();
    const api = heard().config(CONFIG).comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt start --budget 90s" }));
    expect(app.sessions.calls).toEqual([
      {
        method: "start",
        at: AT,
        config: loadConfig(CONFIG),
        command: { name: "start", budget_s: 90 },
      },
    ]);
    expect(api.comments()).toEqual(["session started (start)"]);
  });

  it("answers the webhook before the session's work is done", async () => {
    const app = await appHarness();
    const api = heard().config(CONFIG).comment();
    const release = app.sessions.hold();
    await app.receive("issue_comment", commentCreated({ body: "/autoopt start" }));
    expect(app.queue.size).toBe(1);
    expect(api.comments()).toEqual([]);
    release();
    await app.queue.idle();
    expect(api.comments()).toEqual(["session started (start)"]);
  });

  it.each([
    ["stop", "session stopping (stop)"],
    ["status", "status refreshed (status)"],
    ["promote", "promotion opened (promote)"],
  ] as const)(
    "passes /autoopt %s to the sessions without reading the config",
    async (name, reply) => {
      const app = await appHarness();
      const api = heard("write", "maintain").comment();
      await app.deliver("issue_comment", commentCreated({ body: `/autoopt ${name}` }));
      expect(app.sessions.calls).toEqual([{ method: name, at: AT }]);
      expect(api.comments()).toEqual([reply]);
    },
  );

  it("answers /autoopt help with the usage and calls no session", async () => {
    const app = await appHarness();
    const api = heard("write", "write").comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt help" }));
    expect(app.sessions.calls).toEqual([]);
    expect(api.comments()).toEqual([usage()]);
  });

  it("replies with the parser's message to malformed flags, and starts nothing", async () => {
    const app = await appHarness();
    const api = heard().comment();
    const body = "/autoopt start --budget soon --parallel";
    await app.deliver("issue_comment", commentCreated({ body }));
    const parsed = parseCommand(body);
    expect(parsed?.ok).toBe(false);
    expect(api.comments()).toEqual([parsed?.ok === false ? parsed.error : "unreachable"]);
    expect(app.sessions.calls).toEqual([]);
  });

  it("posts a reply that says what failed when the session throws", async () => {
    const app = await appHarness();
    const api = heard().comment();
    app.sessions.fail(new Error("ledger branch is unreachable\nstack"));
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt stop" }));
    const [reply] = api.comments();
    expect(reply).toContain(
      "autoopt could not finish `/autoopt stop`: `ledger branch is unreachable`",
    );
    expect(reply).toContain("under delivery `delivery-1`");
    expect(app.log.messages("error")).toEqual(["command failed"]);
  });

  it("posts nothing when the session has nothing to say: the 👀 was the answer", async () => {
    const app = await appHarness();
    heard();
    app.sessions.answerWith("  \n");
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt stop" }));
    expect(app.sessions.calls).toEqual([{ method: "stop", at: AT }]);
  });

  it("answers a repeated delivery of one comment once", async () => {
    const app = await appHarness();
    const api = heard().comment();
    const payload = commentCreated({ body: "/autoopt status" });
    await app.deliver("issue_comment", payload);
    await app.deliver("issue_comment", payload);
    expect(app.sessions.calls).toHaveLength(1);
    expect(api.comments()).toHaveLength(1);
    expect(app.log.messages("info")).toContain("ignored a repeated delivery of a command");
  });
});

describe("issue_comment.created: redeliveries after a restart", () => {
  // A restart is a fresh harness: a new Probot (no installation token cached) and a new App
  // that remembers no delivery. What it has is GitHub: the 👀 it added the first time.
  it.each([
    ["its delivery id", undefined],
    ["a new delivery id", "redelivered-from-the-settings-page"],
  ])("answers a command once when a restarted App receives it again with %s", async (_, id) => {
    const payload = commentCreated({ body: "/autoopt start --budget 90s" });
    const before = await appHarness();
    const api = heard().config(CONFIG).comment();
    await before.deliver("issue_comment", payload);
    expect(before.sessions.calls.map((call) => call.method)).toEqual(["start"]);

    const after = await appHarness();
    new AppApiMock().token().eyes(200);
    await after.deliver("issue_comment", payload, id);
    expect(after.sessions.calls).toEqual([]);
    expect(api.comments()).toEqual(["session started (start)"]);
    expect(after.log.lines).toEqual([
      {
        level: "info",
        fields: { delivery: id ?? "delivery-1", repo: `${OWNER}/${REPO}`, issue: ISSUE },
        message: "ignored a command autoopt had already reacted to (a redelivery)",
      },
    ]);
  });

  it("carries the command out when the 👀 cannot be added, since nothing says it was heard", async () => {
    const app = await appHarness();
    const api = new AppApiMock().token().eyesRefused().permission("admin", "admin").comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt status" }));
    expect(app.sessions.calls).toEqual([{ method: "status", at: AT }]);
    expect(api.comments()).toEqual(["status refreshed (status)"]);
    expect(app.log.messages("warn")).toEqual(["could not add the 👀 reaction"]);
  });
});

describe("issue_comment.created: who may command", () => {
  it.each([
    ["read", "read"],
    ["read", "triage"],
    ["none", "none"],
  ])("refuses permission %s (role %s) politely and runs nothing", async (permission, role) => {
    const app = await appHarness();
    const api = heard(permission, role).comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    expect(app.sessions.calls).toEqual([]);
    expect(api.comments()).toEqual([
      `Thanks for trying autoopt, @${COMMENTER}! Commanding it takes **write**, **maintain** or **admin** access to \`${OWNER}/${REPO}\`, and your access is **${role}**, so nothing was run. Someone with write access can comment the command for you.`,
    ]);
  });

  it("judges a custom role by the permission it is based on", async () => {
    const app = await appHarness();
    const api = heard("write", "ml-engineer").comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt status" }));
    expect(app.sessions.calls).toEqual([{ method: "status", at: AT }]);
    expect(api.comments()).toEqual(["status refreshed (status)"]);
  });

  it("replies that commands go on issues when the comment is on a pull request", async () => {
    const app = await appHarness();
    const api = new AppApiMock().token().eyes().comment();
    await app.deliver(
      "issue_comment",
      commentCreated({ body: "/autoopt start", onPullRequest: true }),
    );
    expect(app.sessions.calls).toEqual([]);
    expect(api.comments()[0]).toMatch(/^autoopt takes commands on issues, not on pull requests/);
  });
});

describe("issue_comment.created: comments left alone", () => {
  // With useNock, any API call at all would fail these tests: none is mocked.
  it("ignores a comment without a command line", async () => {
    const app = await appHarness();
    await app.deliver(
      "issue_comment",
      commentCreated({ body: "Ran /autoopt start yesterday, nice" }),
    );
    expect(app.sessions.calls).toEqual([]);
    expect(app.log.lines).toEqual([]);
  });

  it("ignores bots, autoopt's own replies included", async () => {
    const app = await appHarness();
    const body = "/autoopt start";
    await app.deliver(
      "issue_comment",
      commentCreated({ body, login: "autoopt[bot]", userType: "Bot" }),
    );
    expect(app.sessions.calls).toEqual([]);
  });

  it("only logs a command on a locked issue, where GitHub would refuse a reply", async () => {
    const app = await appHarness();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt start", locked: true }));
    expect(app.sessions.calls).toEqual([]);
    expect(app.log.lines).toEqual([
      {
        level: "info",
        fields: { delivery: "delivery-1", repo: `${OWNER}/${REPO}`, issue: ISSUE },
        message: "ignored a command on a locked issue",
      },
    ]);
  });

  it("logs a payload of an unexpected shape and does not crash", async () => {
    const app = await appHarness();
    const payload = commentCreated({ body: "/autoopt start" });
    const broken = { ...payload, comment: { id: COMMENT_ID, user: null } };
    await expect(app.deliver("issue_comment", broken)).resolves.toBeUndefined();
    await expect(app.deliver("issue_comment", { action: "created" })).resolves.toBeUndefined();
    expect(app.sessions.calls).toEqual([]);
    const [first] = app.log.lines;
    expect(first?.message).toBe(
      "ignored a webhook whose payload does not have the shape autoopt expects",
    );
    expect(JSON.stringify(first?.fields)).toMatch(/comment\.body.*comment\.user/s);
    expect(app.log.messages("warn")).toHaveLength(2);
  });
});

describe("issue_comment.created: the config", () => {
  it("replies how to create a missing config, and starts nothing", async () => {
    const app = await appHarness();
    const api = heard().config(undefined).comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    expect(app.sessions.calls).toEqual([]);
    const [reply] = api.comments();
    expect(reply).toContain("autoopt needs `.github/autoopt.yml` on `main` (the default branch)");
    expect(reply).toContain("npx autoopt init --github");
  });

  it("lists every problem of an invalid config in one reply, and starts nothing", async () => {
    const app = await appHarness();
    const invalid = CONFIG.replace("goal: minimize", "goal: smaller").replace(
      "version: 1",
      "version: 2",
    );
    const problems = problemsOf(invalid);
    expect(problems.length).toBeGreaterThan(1);
    const api = heard().config(invalid).comment();
    await app.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    expect(app.sessions.calls).toEqual([]);
    const replies = api.comments();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      `\`.github/autoopt.yml\` on \`main\` has ${problems.length} problems`,
    );
    for (const problem of problems) expect(replies[0]).toContain(`- ${problem}`);
  });
});

function problemsOf(text: string): readonly string[] {
  try {
    loadConfig(text, ".github/autoopt.yml");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
  }
  throw new Error("expected the config to be invalid");
}
