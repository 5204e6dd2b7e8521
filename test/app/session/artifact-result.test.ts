import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readResult } from "../../../src/app/session/artifact-result.ts";
import { summaryOf } from "../../../src/core/index.ts";
import { result } from "./session-fixture.ts";
import type { FakeRun } from "./session-shapes.ts";

const RUN: FakeRun = {
  id: 1,
  workflow: "autoopt-experiment.yml",
  displayTitle: "autoopt s exp-1",
  status: "completed",
  conclusion: "success",
  inputs: { session: "s", experiment: "exp-1", candidate_sha: "c", base_sha: "b" },
};

function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
}

describe("readResult", () => {
  it("reads and validates result.json, leaving the rest of the zip alone", () => {
    const r = result(RUN, 0.99, { status: "timeout", reason: "killed at budget + grace" });
    const read = readResult(
      zip({ "result.json": JSON.stringify(r), "run.log": "x".repeat(10_000) }),
      "a",
    );
    expect(read).toEqual(r);
    expect(typeof read === "string" ? read : summaryOf(read)).toEqual({
      status: "timeout",
      reason: "killed at budget + grace",
      metrics: r.metrics,
      wall_s: r.wall_s,
      exit_code: 0,
      signal: null,
      containment: "bubblewrap",
    });
  });

  it("says what is wrong with an artifact that has no usable result", () => {
    expect(readResult(strToU8("not a zip"), "a")).toMatch(
      /^the artifact a is not a readable zip \(/,
    );
    expect(readResult(zip({ "run.log": "" }), "a")).toBe("the artifact a has no result.json");
    expect(readResult(zip({ "result.json": " ".repeat(1024 * 1024 + 1) }), "a")).toBe(
      "result.json is not valid: it is 1048577 bytes, more than a result ever is",
    );
    expect(readResult(zip({ "result.json": "[1," }), "a")).toMatch(
      /^result\.json is not valid: it is not JSON \(/,
    );
    expect(readResult(zip({ "result.json": JSON.stringify({ version: 2 }) }), "a")).toMatch(
      /^result\.json is not valid: version: /,
    );
  });
});
