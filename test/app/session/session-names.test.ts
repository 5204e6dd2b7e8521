import { describe, expect, it } from "vitest";
import { artifactName as actionArtifactName } from "../../../src/action/record-result.ts";
import {
  artifactName,
  heldoutId,
  ledgerSessions,
  parseHeldoutRunName,
  parseRunName,
  runName,
  sessionName,
  sessionOfRatchet,
  sessionsOfIssue,
} from "../../../src/app/session/session-names.ts";

describe("session names", () => {
  it("names an issue's sessions issue-<n>, then issue-<n>-<k>", () => {
    expect([1, 2, 3].map((k) => sessionName(12, k))).toEqual([
      "issue-12",
      "issue-12-2",
      "issue-12-3",
    ]);
  });

  it("finds an issue's sessions among its refs, not those of issues with a longer number", () => {
    const refs = [
      "refs/heads/autoopt/issue-12/ratchet",
      "refs/heads/autoopt/issue-12/ledger",
      "refs/heads/autoopt/issue-12/exp-3",
      "refs/heads/autoopt/issue-120/ledger",
      "refs/heads/autoopt/issue-12-2/ratchet",
    ];
    expect(sessionsOfIssue(refs, 12)).toEqual([
      { name: "issue-12", k: 1, hasLedger: true },
      { name: "issue-12-2", k: 2, hasLedger: false },
    ]);
  });

  it("lists the sessions that have a ledger branch", () => {
    const refs = [
      "refs/heads/autoopt/a/ledger",
      "refs/heads/autoopt/b/ratchet",
      "refs/heads/autoopt/../ledger",
    ];
    expect(ledgerSessions(refs)).toEqual(["a"]);
  });

  it("reads the workflow's run-name back, and nothing else", () => {
    expect(parseRunName(runName("issue-12-2", 7))).toEqual({
      session: "issue-12-2",
      experiment: 7,
    });
    for (const other of [
      "CI",
      "autoopt issue-12 exp-0",
      "autoopt issue-12 7",
      "autoopt a..b exp-1",
      "autoopt s exp-1 x",
    ])
      expect(parseRunName(other), other).toBeUndefined();
  });

  it("reads a held-out run's run-name back, never as an experiment", () => {
    const name = runName("issue-12-2", heldoutId("best"));
    expect(name).toBe("autoopt issue-12-2 heldout-best");
    expect(parseHeldoutRunName(name)).toEqual({ session: "issue-12-2", label: "best" });
    expect(parseRunName(name)).toBeUndefined();
    expect(parseHeldoutRunName(runName("s", heldoutId("baseline")))?.label).toBe("baseline");
    for (const other of [
      "autoopt issue-12 exp-1",
      "autoopt issue-12 heldout-worst",
      "autoopt issue-12 heldout-best x",
      "autoopt a..b heldout-best",
    ])
      expect(parseHeldoutRunName(other), other).toBeUndefined();
  });

  it("spells the artifact as the action uploads it", () => {
    expect(artifactName("issue-12", 7)).toBe(actionArtifactName("issue-12", "exp-7"));
    expect(artifactName("issue-12", heldoutId("best"))).toBe(
      actionArtifactName("issue-12", "heldout-best"),
    );
  });

  it("finds the session of a promotion pull request's head branch", () => {
    expect(sessionOfRatchet("autoopt/issue-12/ratchet")).toBe("issue-12");
    expect(sessionOfRatchet("refs/heads/autoopt/issue-12/ratchet")).toBe("issue-12");
    expect(sessionOfRatchet("autoopt/issue-12/exp-2")).toBeUndefined();
    expect(sessionOfRatchet("feature")).toBeUndefined();
  });
});
