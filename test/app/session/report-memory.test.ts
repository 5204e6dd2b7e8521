import { describe, expect, it } from "vitest";
import { ReportMemory, STATUS_EVERY_MS } from "../../../src/app/session/report-memory.ts";
import { Driver, ok, settings } from "../../core/fixtures.ts";

describe("ReportMemory.statusDue", () => {
  it("edits the status comment at once after a keep or the stop, else at most once per interval", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    const memory = new ReportMemory();
    const t = d.clock;
    expect(memory.statusDue("a", d.state, t, false)).toBe(true);
    memory.statusWritten("a", d.state, t);
    expect(memory.statusDue("a", d.state, t + STATUS_EVERY_MS, true)).toBe(false);
    // A discard a moment later waits; the same a minute later does not.
    d.finish(d.propose("candidate"), ok(2));
    expect(memory.statusDue("b", d.state, t + 1_000, false)).toBe(false);
    expect(memory.statusDue("b", d.state, t + 1_000, true)).toBe(true);
    expect(memory.statusDue("b", d.state, t + STATUS_EVERY_MS, false)).toBe(true);
    // A keep, or the stop, shows at once.
    d.finish(d.propose("candidate"), ok(0.5));
    expect(memory.statusDue("c", d.state, t + 2_000, false)).toBe(true);
    memory.statusWritten("c", d.state, t + 2_000);
    d.stop("done");
    expect(memory.statusDue("d", d.state, t + 3_000, false)).toBe(true);
  });
});
