import { describe, expect, it } from "vitest";
import { experiment, ratchetPositions } from "../../src/core/index.ts";
import { BASE_SHA, Driver, ok, settings } from "./fixtures.ts";

describe("ratchetPositions", () => {
  it("is the base and every kept commit, never a discarded or running one", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1.0));
    const kept = d.propose("candidate");
    d.finish(kept, ok(0.9));
    const dropped = d.propose("candidate");
    d.finish(dropped, ok(1.1));
    const running = d.propose("candidate");
    const sha = (n: number) => experiment(d.state, n)?.sha ?? "";
    expect(ratchetPositions(d.state)).toEqual(new Set([BASE_SHA, sha(kept)]));
    expect(ratchetPositions(d.state).has(sha(dropped))).toBe(false);
    expect(ratchetPositions(d.state).has(sha(running))).toBe(false);
  });
});
