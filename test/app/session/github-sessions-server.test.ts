import { describe, expect, it } from "vitest";
import { gitHubServer } from "../../../src/app/github-server.ts";
import { GitHubSessions } from "../../../src/app/session/github-sessions.ts";
import { SearchProposer } from "../../../src/proposer/index.ts";
import { octokit } from "../../forge/github/github-mock.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, finishRun, type Harness, START, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

/** Sessions of an App whose GHE_HOST is github.example.com. */
function onServer(): Harness {
  const clock = { now: START };
  const logs: string[] = [];
  const sessions = new GitHubSessions({
    octokitFor: () => octokit(),
    proposerFor: () => new SearchProposer(),
    clock: () => clock.now,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    server: gitHubServer("github.example.com"),
  });
  return { sessions, logs, clock };
}

const WEB = "https://github.example.com/octo-org/lab";

describe("GitHubSessions on a configured server", () => {
  it("links the status comment and the promotion PR on that server, never on github.com", async () => {
    seed(repo());
    const h = onServer();
    const started = await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    const [commentId] = [...repo().comments.keys()];
    const status = `Status: ${WEB}/issues/7#issuecomment-${commentId}`;
    expect(started).toContain(status);
    await finishRun(h, repo(), "exp-1", 1.0);
    await finishRun(h, repo(), "exp-2", 0.9);
    const [pr] = [...repo().pulls.values()];
    if (!pr) throw new Error("no promotion PR");
    expect(await h.sessions.status(AT)).toContain(status);
    expect(await h.sessions.promote(AT)).toBe(
      `Refreshing the promotion pull request ${WEB}/pull/${pr.number} with the latest evidence.`,
    );
    await h.sessions.idle();
    const comment = [...repo().comments.values()][0]?.body ?? "";
    expect(comment).toContain(`**Promotion PR:** ${WEB}/pull/${pr.number}`);
    for (const text of [comment, pr.body ?? ""]) {
      expect(text).not.toMatch(/https:\/\/github\.com\/octo-org\/lab\/(issues|pull)\//);
    }
  });
});
