import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/index.ts";
import {
  GitHubApiError,
  LedgerBranch,
  type LedgerRender,
  sessionRefs,
} from "../../../src/forge/github/index.ts";
import type { RefMove } from "../../../src/forge/ref-moves.ts";
import { GitHubMock, octokit, useNock } from "./github-mock.ts";
import { OWNER, REPO, sha } from "./github-shapes.ts";

useNock();

const REF = sessionRefs("nov27").ledger;

// Keys in the order the LedgerEvent schema writes them, so the expected lines are JSON.stringify.
const started: LedgerEvent = {
  at: "2026-03-01T10:00:00.000Z",
  type: "session",
  session: "nov27",
  base_sha: sha("main"),
  metric: { name: "val_bpb", goal: "minimize" },
  settings: { parallel: 1 },
};
const proposed: LedgerEvent = {
  at: "2026-03-01T10:05:00.000Z",
  type: "proposed",
  experiment: 1,
  kind: "candidate",
  sha: sha("cand"),
  parent: sha("main"),
  description: "lr 2x",
};
const resumed: LedgerEvent = { at: "2026-03-01T11:00:00.000Z", type: "resumed" };
const stopped: LedgerEvent = { at: "2026-03-01T12:00:00.000Z", type: "stopped", reason: "done" };

function jsonl(events: readonly LedgerEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join("");
}

function render(all: LedgerEvent[]): LedgerRender {
  return {
    resultsTsv: `commit\tval_bpb\tmemory_gb\tstatus\tdescription\n# ${all.length}\n`,
    session: { events: all.length },
  };
}

function branch() {
  const rendered: LedgerEvent[][] = [];
  const ledger = new LedgerBranch({
    octokit: octokit(),
    owner: OWNER,
    repo: REPO,
    session: "nov27",
  });
  const recording = (all: LedgerEvent[]) => {
    rendered.push(all);
    return render(all);
  };
  return { ledger, rendered, render: recording };
}

/** The reads of one head: its commit, its tree, its ledger.jsonl. */
function reads(mock: GitHubMock, head: string, text: string): GitHubMock {
  return mock
    .getCommit(head, sha(`tree ${head}`), [])
    .getTree(sha(`tree ${head}`), [
      { path: "ledger.jsonl", sha: sha(`ledger ${head}`) },
      { path: "results.tsv", sha: sha(`results ${head}`) },
      { path: "session.json", sha: sha(`session ${head}`) },
    ])
    .getBlob(sha(`ledger ${head}`), text);
}

/** The writes of one append: a tree with the three files inline (on the head's, if any), a commit on the head. */
function writes(mock: GitHubMock, all: LedgerEvent[], commit: string, head?: string): GitHubMock {
  const { resultsTsv, session } = render(all);
  return mock
    .createTree(
      {
        tree: [
          { path: "ledger.jsonl", mode: "100644", type: "blob", content: jsonl(all) },
          { path: "results.tsv", mode: "100644", type: "blob", content: resultsTsv },
          {
            path: "session.json",
            mode: "100644",
            type: "blob",
            content: `${JSON.stringify(session, null, 2)}\n`,
          },
        ],
        ...(head === undefined ? {} : { base_tree: sha(`tree ${head}`) }),
      },
      sha(`tree ${commit}`),
    )
    .createCommit(
      {
        message: `autoopt ledger: ${all.at(-1)?.type}`,
        tree: sha(`tree ${commit}`),
        parents: head === undefined ? [] : [head],
      },
      commit,
    );
}

describe("LedgerBranch.load", () => {
  it("is empty before the first append", async () => {
    new GitHubMock().getRef(REF, undefined);
    expect(await branch().ledger.load()).toEqual({ events: [] });
  });

  it("reads and validates every event, with the head it read", async () => {
    reads(new GitHubMock().getRef(REF, sha("h1")), sha("h1"), jsonl([started, proposed]));
    const { ledger } = branch();
    expect(await ledger.load()).toEqual({ events: [started, proposed], head: sha("h1") });
    expect(ledger.requests).toBe(4);
  });

  it("names the line that is not JSON", async () => {
    reads(new GitHubMock().getRef(REF, sha("h1")), sha("h1"), `${jsonl([started])}{"at": oops\n`);
    await expect(branch().ledger.load()).rejects.toThrow(
      `ledger.jsonl on refs/heads/autoopt/nov27/ledger at ${sha("h1")}, line 2 is not JSON`,
    );
  });

  it("names the line that is not a ledger event, and what is wrong with it", async () => {
    const bad = JSON.stringify({ ...proposed, experiment: 0 });
    reads(new GitHubMock().getRef(REF, sha("h1")), sha("h1"), `${jsonl([started])}\n${bad}\n`);
    await expect(branch().ledger.load()).rejects.toThrow(
      /, line 3 is not a ledger event \(experiment: /,
    );
  });
});

const NODE = "R_kgDOlab";
const NONE = "0".repeat(40);
const LEDGER = `refs/${REF}`;
const REFS = sessionRefs("nov27");

/** The ledger's own entry of an updateRefs: from `head` (none: it must not exist yet) to `commit`. */
function ledgerUpdate(commit: string, head?: string) {
  return { name: LEDGER, beforeOid: head ?? NONE, afterOid: commit };
}

/** A branch that has loaded head h1 (holding `started`). */
async function loaded(mock: GitHubMock) {
  reads(mock.getRef(REF, sha("h1")), sha("h1"), jsonl([started]));
  const b = branch();
  await b.ledger.load();
  return b;
}

describe("LedgerBranch.appendIfUnchanged", () => {
  it("creates the branch as an orphan on the first write", async () => {
    writes(new GitHubMock(), [started], sha("c1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c1"))]);
    const b = branch();
    expect(await b.ledger.appendIfUnchanged([started], b.render)).toBe(true);
    expect(b.rendered).toEqual([[started]]);
    expect(b.ledger.known).toEqual([started]);
  });

  it("writes nothing and answers false when another replica created the branch first", async () => {
    writes(new GitHubMock(), [started], sha("mine"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("mine"))], "refs/heads/autoopt/nov27/ledger exists")
      .getRef(REF, sha("theirs"));
    const b = branch();
    expect(await b.ledger.appendIfUnchanged([started], b.render)).toBe(false);
    expect(b.ledger.known).toEqual([]);
  });

  it("writes on the head load saw, without reading it again", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    // No second read of the ref: the head load saw is written on, and beforeOid guards it.
    writes(mock, [started, resumed], sha("c2"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c2"), sha("h1"))]);
    expect(await b.ledger.appendIfUnchanged([resumed], b.render)).toBe(true);
    expect(b.ledger.requests).toBe(4 + 4);
    expect(b.ledger.known).toEqual([started, resumed]);
  });

  it("writes a second time on its own first write, with the tree it made, the node id read once", async () => {
    const mock = writes(new GitHubMock(), [started], sha("c1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c1"))]);
    writes(mock, [started, resumed], sha("c2"), sha("c1")).updateRefs(NODE, [
      ledgerUpdate(sha("c2"), sha("c1")),
    ]);
    const b = branch();
    await b.ledger.appendIfUnchanged([started], b.render);
    expect(await b.ledger.appendIfUnchanged([resumed], b.render)).toBe(true);
    expect(b.ledger.requests).toBe(4 + 3);
  });

  it("answers false when another writer moved the branch since it was read, and the next load sees theirs", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    writes(mock, [started, resumed], sha("stale"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("stale"), sha("h1"))], "the ref moved")
      .getRef(REF, sha("h2"));
    reads(mock.getRef(REF, sha("h2")), sha("h2"), jsonl([started, proposed]));
    expect(await b.ledger.appendIfUnchanged([resumed], b.render)).toBe(false);
    expect(b.ledger.known).toEqual([started]);
    expect(await b.ledger.load()).toEqual({ events: [started, proposed], head: sha("h2") });
  });

  it("throws any other refusal with GitHub's answer as its cause", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    writes(mock, [started, stopped], sha("c2"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c2"), sha("h1"))], "something else went wrong")
      .getRef(REF, sha("h1"));
    const error = await b.ledger.appendIfUnchanged([stopped], b.render).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/refused to write the ledger of session nov27/);
    expect((error as Error).cause).toBeInstanceOf(GitHubApiError);
    expect(String((error as Error).cause)).toMatch(/something else went wrong/);
    expect(String((error as Error).cause)).toMatch(/answered the GraphQL request with errors$/);
  });

  it("takes a write whose answer was lost as made when the ledger is at its commit", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    writes(mock, [started, resumed], sha("c2"), sha("h1")).getRepository(NODE);
    mock.scope.post("/graphql").replyWithError("socket hang up");
    mock.getRef(REF, sha("c2"));
    expect(await b.ledger.appendIfUnchanged([resumed], b.render)).toBe(true);
    expect(b.ledger.known).toEqual([started, resumed]);
  });
});

describe("LedgerBranch.appendIfUnchanged with ref moves", () => {
  // Any events do: the moves go with whatever the step records.
  const kept = stopped;

  it("writes the ledger, fast-forwards the ratchet and sets and drops branches in one request", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    writes(mock, [started, kept], sha("c2"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [
        ledgerUpdate(sha("c2"), sha("h1")),
        { name: `refs/${REFS.ratchet}`, beforeOid: sha("main"), afterOid: sha("cand") },
        { name: `refs/${REFS.experiment(2)}`, afterOid: sha("cand2"), force: true },
        { name: `refs/${REFS.experiment(1)}`, afterOid: NONE },
        { name: `refs/${REFS.frontier(3)}`, afterOid: NONE },
        { name: `refs/${REFS.frontier(1)}`, afterOid: sha("cand"), force: true },
      ]);
    const moves: RefMove[] = [
      { type: "ratchet", from: sha("main"), to: sha("cand") },
      { type: "experiment", experiment: 2, sha: sha("cand2") },
      { type: "drop", experiment: 1 },
      {
        type: "frontier",
        before: [{ experiment: 3, sha: sha("three") }],
        after: [{ experiment: 1, sha: sha("cand") }],
      },
    ];
    expect(await b.ledger.appendIfUnchanged([kept], b.render, moves)).toBe(true);
    expect(b.ledger.requests).toBe(4 + 4);
  });

  it("reports a ratchet moved by hand and writes nothing", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    const ratchet = { name: `refs/${REFS.ratchet}`, beforeOid: sha("main"), afterOid: sha("cand") };
    writes(mock, [started, kept], sha("c2"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c2"), sha("h1")), ratchet], "ratchet not at main")
      .getRef(REF, sha("h1"))
      .getRef(REFS.ratchet, sha("by-hand"));
    const moves = [{ type: "ratchet", from: sha("main"), to: sha("cand") }] as const;
    const error = await b.ledger
      .appendIfUnchanged([kept], b.render, [...moves])
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(
      new RegExp(`ratchet was moved outside autoopt: it is at ${sha("by-hand")}`),
    );
    expect(b.ledger.known).toEqual([started]);
  });

  it("leaves out a branch deletion found made already and writes the rest", async () => {
    const mock = new GitHubMock();
    const b = await loaded(mock);
    const drop = { name: `refs/${REFS.experiment(1)}`, afterOid: NONE };
    writes(mock, [started, kept], sha("c2"), sha("h1"))
      .getRepository(NODE)
      .updateRefs(NODE, [ledgerUpdate(sha("c2"), sha("h1")), drop], "no such ref")
      .getRef(REF, sha("h1"))
      .getRef(REFS.experiment(1), undefined)
      .updateRefs(NODE, [ledgerUpdate(sha("c2"), sha("h1"))]);
    const moves = [{ type: "drop", experiment: 1 }] as const;
    expect(await b.ledger.appendIfUnchanged([kept], b.render, [...moves])).toBe(true);
    expect(b.ledger.known).toEqual([started, kept]);
  });
});
