import { describe, expect, it } from "vitest";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, finishRun, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

describe("/autoopt status", () => {
  it("refreshes the status comment in place, and only when its body changed", async () => {
    seed(repo());
    const h = harness();
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    const [comment, ...others] = [...repo().comments.values()];
    expect(others).toEqual([]);
    // The baseline ran for 5 minutes.
    expect(comment?.body).toContain("Updated 2026-03-01 10:05 UTC");
    h.clock.now += 12 * 60_000;
    const asked = repo().seen.length;
    expect(await h.sessions.status(AT)).toMatch(/^Session `issue-7` is running/);
    await h.sessions.idle();
    expect(comment?.body).toContain("Updated 2026-03-01 10:17 UTC");
    expect(repo().comments.size).toBe(1);
    const lookup = [
      "GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
    ];
    const sync = "GET /repos/{owner}/{repo}/git/ref/{ref}";
    expect(repo().calls(asked)).toEqual([
      ...lookup,
      sync,
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
    ]);
    const again = repo().seen.length;
    await h.sessions.status(AT);
    await h.sessions.idle();
    expect(repo().calls(again)).toEqual([...lookup, sync]);
  });
});
