import { describe, expect, it } from "vitest";
import {
  GitHubApiError,
  GitHubForge,
  type GitHubRequest,
} from "../../../src/forge/github/index.ts";
import { forge, refs } from "./forge-fixture.ts";
import { GitHubMock, octokit, rejected, useNock } from "./github-mock.ts";
import { apiError, OWNER, REPO, sha } from "./github-shapes.ts";

useNock();

describe("GitHubForge session and ratchet", () => {
  it("starts a session by creating the ratchet branch at the base commit", async () => {
    new GitHubMock().createRef(refs.ratchet, sha("main"));
    await forge().startSession(sha("main"));
  });

  it("resumes when the ratchet branch exists already (422 Reference already exists)", async () => {
    new GitHubMock()
      .createRef(
        refs.ratchet,
        sha("main"),
        rejected("Reference already exists", "git/refs#create-a-reference"),
      )
      .getRef(refs.ratchet, sha("kept"));
    await forge().startSession(sha("main"));
  });

  it("does not take another 422 on create for an existing branch", async () => {
    new GitHubMock().createRef(refs.ratchet, sha("nowhere"), rejected("Object does not exist"));
    const error = await forge()
      .startSession(sha("nowhere"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(String(error)).toMatch(
      /POST \/repos\/octo-org\/lab\/git\/refs failed with 422: Object does not exist/,
    );
  });

  it("reads the ratchet head, and says so when the branch is missing", async () => {
    new GitHubMock().getRef(refs.ratchet, sha("head")).getRef(refs.ratchet, undefined);
    expect(await forge().ratchetHead()).toBe(sha("head"));
    await expect(forge().ratchetHead()).rejects.toThrow(
      /session nov27 has no ratchet branch \(refs\/heads\/autoopt\/nov27\/ratchet\)/,
    );
  });

  it("advances the ratchet with a fast-forward-only update (200 → true)", async () => {
    new GitHubMock().getRef(refs.ratchet, sha("best")).updateRef(refs.ratchet, sha("cand"), false);
    expect(await forge().advanceRatchet(sha("best"), sha("cand"))).toBe(true);
  });

  it("answers false on 422 Update is not a fast forward: the ratchet moved", async () => {
    new GitHubMock()
      .getRef(refs.ratchet, sha("best"))
      .updateRef(refs.ratchet, sha("cand"), false, rejected("Update is not a fast forward"))
      .getRef(refs.ratchet, sha("other keep"));
    expect(await forge().advanceRatchet(sha("best"), sha("cand"))).toBe(false);
  });

  it("answers false without writing when the ratchet is not at `from`", async () => {
    new GitHubMock().getRef(refs.ratchet, sha("other keep"));
    expect(await forge().advanceRatchet(sha("best"), sha("cand"))).toBe(false);
  });

  it("refuses a candidate that does not descend from the ratchet it was judged against", async () => {
    new GitHubMock()
      .getRef(refs.ratchet, sha("best"))
      .updateRef(refs.ratchet, sha("unrelated"), false, rejected("Update is not a fast forward"))
      .getRef(refs.ratchet, sha("best"));
    await expect(forge().advanceRatchet(sha("best"), sha("unrelated"))).rejects.toThrow(
      /not a fast-forward/,
    );
  });

  it("throws other failures with the status and GitHub's message", async () => {
    new GitHubMock().getRef(refs.ratchet, sha("best")).updateRef(refs.ratchet, sha("cand"), false, {
      status: 409,
      body: apiError(409, "Git Repository is empty.", "git/refs#update-a-reference"),
    });
    const error = await forge()
      .advanceRatchet(sha("best"), sha("cand"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 409, githubMessage: "Git Repository is empty." });
    expect(String(error)).toMatch(
      /failed with 409: Git Repository is empty\.; the repository is empty/,
    );
  });

  it("resets the ratchet with a forced update, creating it when it is gone", async () => {
    new GitHubMock()
      .updateRef(refs.ratchet, sha("truth"), true)
      .updateRef(refs.ratchet, sha("truth"), true, rejected("Reference does not exist"))
      .createRef(refs.ratchet, sha("truth"));
    await forge().resetRatchet(sha("truth"));
    await forge().resetRatchet(sha("truth"));
  });

  it("drops an experiment branch, and accepts one that is gone already", async () => {
    new GitHubMock()
      .deleteRef(refs.experiment(4))
      .deleteRef(
        refs.experiment(4),
        rejected("Reference does not exist", "git/refs#delete-a-reference"),
      );
    await forge().dropExperiment(4);
    await forge().dropExperiment(4);
  });

  it("marks the frontier: creates new members' branches, deletes those that left, leaves the rest", async () => {
    const prefix = "heads/autoopt/nov27/frontier/";
    new GitHubMock()
      .matchingRefs(prefix, [
        [`${prefix}exp-1`, sha("one")],
        [`${prefix}exp-3`, sha("three")],
      ])
      .deleteRef(`${prefix}exp-3`)
      .createRef(`${prefix}exp-5`, sha("five"));
    await forge().markFrontier([
      { experiment: 1, sha: sha("one") },
      { experiment: 5, sha: sha("five") },
    ]);
  });

  it("rejects a session name git cannot put in a branch", () => {
    expect(
      () => new GitHubForge({ octokit: octokit(), owner: OWNER, repo: REPO, session: "a..b" }),
    ).toThrow(/not a usable session name/);
  });
});

describe("GitHubForge request counting", () => {
  it("reports every call, failed ones included, with its method and route", async () => {
    new GitHubMock()
      .getRef(refs.ratchet, sha("best"))
      .updateRef(refs.ratchet, sha("cand"), false, rejected("Update is not a fast forward"))
      .getRef(refs.ratchet, sha("moved"))
      .deleteRef(refs.experiment(2));
    const seen: GitHubRequest[] = [];
    const f = forge((request) => seen.push(request));
    await f.advanceRatchet(sha("best"), sha("cand"));
    await f.dropExperiment(2);
    expect(seen).toEqual([
      { method: "GET", route: "git/ref/heads/autoopt/nov27/ratchet" },
      { method: "PATCH", route: "git/refs/heads/autoopt/nov27/ratchet" },
      { method: "GET", route: "git/ref/heads/autoopt/nov27/ratchet" },
      { method: "DELETE", route: "git/refs/heads/autoopt/nov27/exp-2" },
    ]);
    expect(f.requests).toBe(4);
  });
});
