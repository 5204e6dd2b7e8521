import { describe, expect, it } from "vitest";
import { type RunSummary, replay } from "../../src/core/index.ts";
import {
  containmentCounts,
  containmentMarkdown,
  containmentWarning,
} from "../../src/report/containment-counts.ts";
import { Driver, failed, ok, settings } from "../core/fixtures.ts";

function contained(run: RunSummary, containment: "bubblewrap" | "none"): RunSummary {
  return { ...run, containment };
}

/** A baseline, a keep and a crash with the given containment each; undefined: not recorded. */
function session(...how: ("bubblewrap" | "none" | undefined)[]) {
  const d = new Driver(settings(), { session: "s1" });
  const runs = [ok(1.0), ok(0.9), failed("crash", "no artifact")];
  runs.forEach((run, i) => {
    const kind = i === 0 ? "baseline" : "candidate";
    const c = how[i];
    d.finish(d.propose(kind), c === undefined ? run : contained(run, c));
  });
  return replay(d.events);
}

describe("containment of a session's runs", () => {
  it("counts only runs whose result said how they were contained", () => {
    expect(containmentCounts(session("bubblewrap", "none", undefined))).toEqual({
      bubblewrap: 1,
      uncontained: 1,
    });
  });

  it("says nothing before any run said, and nothing alarming when every run was contained", () => {
    const none = session(undefined, undefined, undefined);
    expect(containmentMarkdown(none)).toBe("");
    expect(containmentWarning(none)).toBe("");
    const all = session("bubblewrap", "bubblewrap", undefined);
    expect(containmentMarkdown(all)).toBe(
      "🔒 **Containment:** all 2 runs ran in a bubblewrap sandbox, out of sight of the runner's files and tokens.",
    );
    expect(containmentWarning(all)).toBe("");
  });

  it("warns, with the count and the fix, when runs were uncontained", () => {
    const some = session("bubblewrap", "none", "none");
    expect(containmentMarkdown(some)).toBe(
      "> [!WARNING]\n> **Containment:** 2 of 3 runs ran **uncontained** (`sandbox.containment: none`): their code could read what the runner's user can (files, tokens) and rewrite its own score, so those results are only as trustworthy as the code that produced them. Install bubblewrap on the runners and remove `containment: none` to contain them.",
    );
    expect(containmentWarning(session("none", undefined, undefined))).toMatch(
      /^warning: the one run ran uncontained \(no bubblewrap here, or sandbox\.containment: none\): .* Install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap\)/,
    );
  });
});
