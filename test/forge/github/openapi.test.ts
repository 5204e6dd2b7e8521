import { describe, expect, it } from "vitest";
import { gitRef, gitTree, sha } from "./github-shapes.ts";
import { checkRequest, checkResponse, example } from "./openapi.ts";

// The mocks are only as real as these checks; each must be able to fail.
describe("GitHub's OpenAPI description as the mocks' reference", () => {
  it("gives the documented examples", () => {
    expect(example("git-ref")).toMatchObject({
      ref: "refs/heads/featureA",
      object: { type: "commit" },
    });
    expect(() => example("no-such-example")).toThrow(/no components › examples › no-such-example/);
  });

  it("accepts the adapted examples as responses", () => {
    const path = "/repos/{owner}/{repo}/git/ref/{ref}";
    expect(() => checkResponse("get", path, 200, gitRef("heads/x", sha("x")))).not.toThrow();
    const tree = gitTree(sha("t"), [{ path: "a.py", sha: sha("a") }]);
    expect(() =>
      checkResponse("get", "/repos/{owner}/{repo}/git/trees/{tree_sha}", 200, tree),
    ).not.toThrow();
  });

  it("rejects a response missing what GitHub always sends", () => {
    const path = "/repos/{owner}/{repo}/git/ref/{ref}";
    const { object: _, ...noObject } = gitRef("heads/x", sha("x"));
    expect(() => checkResponse("get", path, 200, noObject)).toThrow(/does not match .*object/s);
    expect(() => checkResponse("get", path, 418, {})).toThrow(
      /gives get \/repos\/\{owner\}\/\{repo\}\/git\/ref\/\{ref\} no 418 response/,
    );
  });

  it("rejects a request body with a field GitHub does not define, or of the wrong type", () => {
    const path = "/repos/{owner}/{repo}/git/refs/{ref}";
    expect(() => checkRequest("patch", path, { sha: sha("x"), force: false })).not.toThrow();
    expect(() => checkRequest("patch", path, { sha: sha("x"), forced: true })).toThrow(/forced/);
    expect(() => checkRequest("patch", path, { sha: sha("x"), force: "no" })).toThrow(/force/);
    const trees = "/repos/{owner}/{repo}/git/trees";
    const entry = { path: "a", mode: "100644", type: "blob", sha: null };
    expect(() => checkRequest("post", trees, { tree: [entry] })).not.toThrow();
    expect(() => checkRequest("post", trees, { tree: [{ ...entry, mode: "644" }] })).toThrow(
      /mode/,
    );
  });
});
