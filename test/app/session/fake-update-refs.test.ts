import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/index.ts";
import { LedgerBranch, sessionRefs } from "../../../src/forge/github/index.ts";
import { octokit } from "../../forge/github/github-mock.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { useFakeGitHub } from "./fake-routes.ts";

const repo = useFakeGitHub();
const NONE = "0".repeat(40);
const MUTATION = `mutation ($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
  updateRefs(input: { repositoryId: $repositoryId, refUpdates: $refUpdates }) { clientMutationId }
}`;

interface Update {
  name: string;
  afterOid: string;
  beforeOid?: string;
  force?: boolean;
}

/** Sends updateRefs; what GitHub answered: made, or the refusal's `errors`. */
async function updateRefs(refUpdates: Update[], repositoryId = repo().nodeId) {
  try {
    await octokit().graphql(MUTATION, { repositoryId, refUpdates });
    return "made";
  } catch (error) {
    return Reflect.get(error as object, "errors") as { type: string; path: string[] }[];
  }
}

/** Three commits on a line: a ← b ← c. */
function line() {
  const a = repo().commitFiles({ "f.txt": "a\n" });
  const b = repo().commitFiles({ "f.txt": "b\n" }, a);
  const c = repo().commitFiles({ "f.txt": "c\n" }, b);
  return { a, b, c };
}

describe("the fake GitHub's updateRefs", () => {
  it("makes every update or none, checking each beforeOid first", async () => {
    const { a, b, c } = line();
    repo().refs.set("heads/x", a);
    repo().refs.set("heads/y", a);
    const refused = await updateRefs([
      { name: "refs/heads/x", beforeOid: a, afterOid: b },
      { name: "refs/heads/y", beforeOid: b, afterOid: c },
    ]);
    expect(refused).toMatchObject([{ type: "UNPROCESSABLE", path: ["updateRefs"] }]);
    expect([repo().refs.get("heads/x"), repo().refs.get("heads/y")]).toEqual([a, a]);
    const made = await updateRefs([
      { name: "refs/heads/x", beforeOid: a, afterOid: b },
      { name: "refs/heads/y", beforeOid: a, afterOid: c },
    ]);
    expect(made).toBe("made");
    expect([repo().refs.get("heads/x"), repo().refs.get("heads/y")]).toEqual([b, c]);
  });

  it("reads 000… as no ref: a beforeOid that it does not exist, an afterOid that deletes it", async () => {
    const { a } = line();
    expect(await updateRefs([{ name: "refs/heads/new", beforeOid: NONE, afterOid: a }])).toBe(
      "made",
    );
    expect(await updateRefs([{ name: "refs/heads/new", beforeOid: NONE, afterOid: a }])).not.toBe(
      "made",
    );
    expect(await updateRefs([{ name: "refs/heads/new", afterOid: NONE }])).toBe("made");
    expect(repo().refs.has("heads/new")).toBe(false);
    // Where GitHub's documentation is silent, the fake is strict: nothing to delete is refused.
    expect(await updateRefs([{ name: "refs/heads/new", afterOid: NONE }])).not.toBe("made");
  });

  it("refuses a non-fast-forward unless forced", async () => {
    const { a, c } = line();
    repo().refs.set("heads/x", c);
    expect(await updateRefs([{ name: "refs/heads/x", afterOid: a }])).not.toBe("made");
    expect(repo().refs.get("heads/x")).toBe(c);
    expect(await updateRefs([{ name: "refs/heads/x", afterOid: a, force: true }])).toBe("made");
    expect(repo().refs.get("heads/x")).toBe(a);
  });

  it("resolves only the repository's own node id", async () => {
    const { a } = line();
    const refused = await updateRefs([{ name: "refs/heads/x", afterOid: a }], "R_other");
    expect(refused).toMatchObject([{ type: "NOT_FOUND" }]);
    expect(repo().refs.has("heads/x")).toBe(false);
  });

  it("fails the test on any other GraphQL document", async () => {
    await octokit()
      .graphql("query { viewer { login } }")
      .catch(() => undefined);
    expect(repo().unexpected).toHaveLength(1);
    expect(repo().unexpected[0]).toMatch(/no such GraphQL document/);
    repo().unexpected.length = 0;
  });
});

describe("LedgerBranch over the fake GitHub", () => {
  const refs = sessionRefs("s1");
  const event = (reason: string): LedgerEvent => ({
    at: "2026-03-01T10:00:00.000Z",
    type: "stopped",
    reason,
  });
  const render = () => ({ resultsTsv: "", session: {} });
  const writer = () =>
    new LedgerBranch({ octokit: octokit(), owner: OWNER, repo: REPO, session: "s1" });

  it("moves nothing when another writer appended first, and the ledger stays theirs", async () => {
    const { a, b, c } = line();
    repo().refs.set(refs.ratchet, a);
    const first = writer();
    const second = writer();
    expect(await first.appendIfUnchanged([event("one")], render)).toBe(true);
    await second.load();
    expect(await first.appendIfUnchanged([event("two")], render)).toBe(true);
    const theirs = repo().refs.get(refs.ledger);
    const moves = [
      { type: "ratchet" as const, from: a, to: b },
      { type: "experiment" as const, experiment: 2, sha: c },
    ];
    expect(await second.appendIfUnchanged([event("stale")], render, moves)).toBe(false);
    expect(repo().refs.get(refs.ledger)).toBe(theirs);
    expect(repo().refs.get(refs.ratchet)).toBe(a);
    expect(repo().refs.has(refs.experiment(2))).toBe(false);
  });

  it("makes the ledger write and its moves in one request", async () => {
    const { a, b, c } = line();
    repo().refs.set(refs.ratchet, a);
    repo().refs.set(refs.experiment(1), b);
    const ledger = writer();
    await ledger.appendIfUnchanged([event("one")], render);
    const before = repo().seen.length;
    const moves = [
      { type: "ratchet" as const, from: a, to: b },
      { type: "drop" as const, experiment: 1 },
      { type: "experiment" as const, experiment: 2, sha: c },
    ];
    expect(await ledger.appendIfUnchanged([event("two")], render, moves)).toBe(true);
    expect(repo().calls(before)).toEqual([
      "POST /repos/{owner}/{repo}/git/trees",
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /graphql",
    ]);
    expect(repo().refUpdates.at(-1)).toEqual([
      `refs/${refs.ledger}`,
      `refs/${refs.ratchet}`,
      `refs/${refs.experiment(1)}`,
      `refs/${refs.experiment(2)}`,
    ]);
    expect(repo().refs.get(refs.ratchet)).toBe(b);
    expect(repo().refs.has(refs.experiment(1))).toBe(false);
    expect(repo().refs.get(refs.experiment(2))).toBe(c);
  });
});
