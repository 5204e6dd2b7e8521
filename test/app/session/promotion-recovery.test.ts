import { describe, expect, it } from "vitest";
import { octokit } from "../../forge/github/github-mock.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, finishRun, harness, seed, startAndKeep } from "./session-fixture.ts";

const repo = useFakeGitHub();

const RATCHET = "autoopt/issue-7/ratchet";
const DOCS = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";

/** The pull request requests seen from the `from`-th on. */
function pullCalls(from: number): string[] {
  return repo()
    .calls(from)
    .filter((c) => c.includes("/pulls"));
}

function comments(): string[] {
  return [...repo().comments.values()].map((c) => c.body);
}

/** GitHub's answer to POST /pulls, as Octokit hands it over when it is an error. */
async function createPull(head: string): Promise<{ status: number; data: unknown }> {
  const pull = { owner: OWNER, repo: REPO, title: "t", head, base: "main", body: "b" };
  try {
    const { status, data } = await octokit().rest.pulls.create(pull);
    return { status, data };
  } catch (error) {
    const { status, response } = error as { status: number; response: { data: unknown } };
    return { status, data: response.data };
  }
}

describe("the fake GitHub's POST /pulls", () => {
  it("refuses as GitHub does: the reason is in errors[], not in message", async () => {
    const main = seed(repo());
    repo().refs.set(`heads/${RATCHET}`, repo().commitFiles({ "train.py": "LR = 1\n" }, main));
    expect(await createPull(RATCHET)).toMatchObject({ status: 201 });
    expect(await createPull(RATCHET)).toEqual({
      status: 422,
      data: {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${OWNER}:${RATCHET}.`,
          },
        ],
        documentation_url: DOCS,
        status: "422",
      },
    });
    repo().refs.set("heads/level", main);
    expect(await createPull("level")).toMatchObject({
      status: 422,
      data: { errors: [{ code: "custom", message: "No commits between main and level" }] },
    });
    expect(await createPull("gone")).toMatchObject({
      status: 422,
      data: { errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] },
    });
  });
});

describe("the promotion PR after a crash", () => {
  it("is found and edited when the App stopped before its number reached the ledger", async () => {
    seed(repo());
    const before = harness();
    await startAndKeep(before, repo());
    const [pr, ...more] = [...repo().pulls.values()];
    if (!pr) throw new Error("no promotion PR");
    expect(more).toEqual([]);
    // The App stops here: the number was to go with the ledger's next write.
    expect(repo().sessionJson("issue-7")).not.toHaveProperty("promotion_pr");
    const after = harness();
    const restart = repo().seen.length;
    await finishRun(after, repo(), "exp-3", 0.8);
    expect(pullCalls(restart)).toEqual([
      "POST /repos/{owner}/{repo}/pulls",
      "GET /repos/{owner}/{repo}/pulls",
      "PATCH /repos/{owner}/{repo}/pulls/{pull_number}",
    ]);
    expect(repo().pulls.size).toBe(1);
    expect(pr.title).toBe("autoopt issue-7: val_bpb 1 → 0.8");
    expect(comments()).toHaveLength(1);
    expect(comments()[0]).toContain(`/pull/${pr.number}`);
    expect(comments()[0]).toContain("✅ 2 kept");
    const found = repo().seen.length;
    await finishRun(after, repo(), "exp-4", 0.7);
    expect(pullCalls(found)).toEqual(["PATCH /repos/{owner}/{repo}/pulls/{pull_number}"]);
    expect(pr.title).toBe("autoopt issue-7: val_bpb 1 → 0.7");
    expect(repo().sessionJson("issue-7")).toMatchObject({ promotion_pr: pr.number });
  });
});

describe("a promotion PR GitHub refuses", () => {
  it("leaves the status comment up to date, is told once, and opens once it is allowed", async () => {
    seed(repo());
    repo().refusesPulls = true;
    const h = harness();
    await startAndKeep(h, repo());
    const [status, ...warnings] = comments();
    expect(status).toContain("✅ 1 kept");
    expect(warnings).toEqual([
      expect.stringMatching(
        /^⚠️ autoopt session `issue-7` hit a problem and waits: GitHub POST \/repos\/octo-org\/lab\/pulls failed with 403: Resource not accessible by integration;/,
      ),
    ]);
    await finishRun(h, repo(), "exp-3", 0.8);
    expect(comments()[0]).toContain("✅ 2 kept");
    await h.sessions.stop(AT);
    await h.sessions.idle();
    expect(comments()[0]).toContain("**⏹️ Stopped** — stopped by /autoopt stop");
    expect(comments().slice(1)).toEqual(warnings);
    expect(repo().pulls.size).toBe(0);
    repo().refusesPulls = false;
    await finishRun(h, repo(), "exp-4", 0.85);
    const [pr, ...more] = [...repo().pulls.values()];
    expect(more).toEqual([]);
    expect(pr?.title).toBe("autoopt issue-7: val_bpb 1 → 0.8");
    expect(comments()[0]).toContain(`/pull/${pr?.number}`);
    expect(comments().slice(1)).toEqual(warnings);
  });
});
