import type { Octokit } from "@octokit/rest";
import type { ProbotOctokit } from "probot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { GitHubApi, GitHubApiError, type GitHubClient } from "../../../src/forge/github/index.ts";
import { GitHubMock, octokit, useNock } from "./github-mock.ts";
import { OWNER, REPO, sha } from "./github-shapes.ts";

useNock();

describe("GitHubClient", () => {
  it("is satisfied by @octokit/rest and by Probot's octokit", () => {
    expectTypeOf<Octokit>().toExtend<GitHubClient>();
    expectTypeOf<InstanceType<typeof ProbotOctokit>>().toExtend<GitHubClient>();
    const client: GitHubClient = octokit();
    expect(client.rest.git.getRef).toBeTypeOf("function");
  });
});

describe("GitHubApi", () => {
  it("decodes base64 blobs to UTF-8 and counts its calls", async () => {
    new GitHubMock().getBlob(sha("b"), "ü ✓ 🚀\n");
    const api = new GitHubApi({ octokit: octokit(), owner: OWNER, repo: REPO });
    expect(await api.getBlob(sha("b"))).toBe("ü ✓ 🚀\n");
    expect(api.requests).toBe(1);
  });

  it("reads a missing ref as undefined, not an error", async () => {
    new GitHubMock().getRef("heads/gone", undefined);
    const api = new GitHubApi({ octokit: octokit(), owner: OWNER, repo: REPO });
    expect(await api.getRef("heads/gone")).toBeUndefined();
  });
});

describe("GitHubApiError", () => {
  const octokitError = (status: number, message: string) =>
    Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
      status,
      response: { data: { message } },
    });

  it("names the call, the status, GitHub's message and what to do", () => {
    const error = new GitHubApiError(
      "PATCH /repos/o/r/git/refs/heads/x",
      octokitError(403, "Resource not accessible by integration"),
    );
    expect(error.message).toBe(
      "GitHub PATCH /repos/o/r/git/refs/heads/x failed with 403: Resource not accessible by integration; the App lacks a permission (it needs contents: write; changes under .github/workflows are refused without the workflows permission) or hit a rate limit",
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.is(403, /not accessible/)).toBe(true);
    expect(error.is(422, /not accessible/)).toBe(false);
  });

  it("reads what a 422 Validation Failed says in its errors", () => {
    const data = {
      message: "Validation Failed",
      errors: [
        {
          resource: "PullRequest",
          code: "custom",
          message: "A pull request already exists for o:autoopt/issue-7/ratchet.",
        },
        { resource: "PullRequest", field: "base", code: "invalid" },
      ],
      documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
      status: "422",
    };
    const cause = Object.assign(new Error("Validation Failed"), {
      status: 422,
      response: { data },
    });
    const error = new GitHubApiError("POST /repos/o/r/pulls", cause);
    expect(error.githubMessage).toBe("Validation Failed");
    expect(error.githubErrors).toEqual([
      "A pull request already exists for o:autoopt/issue-7/ratchet.",
      "PullRequest base invalid",
    ]);
    expect(error.message).toBe(
      "GitHub POST /repos/o/r/pulls failed with 422: Validation Failed (A pull request already exists for o:autoopt/issue-7/ratchet.; PullRequest base invalid); GitHub rejected the request as invalid",
    );
    expect(error.is(422, /already exists/)).toBe(true);
    expect(error.is(422, /fast forward/)).toBe(false);
  });

  it("says when no response came back", () => {
    const error = new GitHubApiError("GET /x", new TypeError("fetch failed"));
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /GitHub GET \/x failed: fetch failed; GitHub could not be reached/,
    );
  });
});
