import { describe, expect, it } from "vitest";
import { effectiveConfig, recordedConfig } from "../../../src/app/session/effective-config.ts";
import { config } from "./session-fixture.ts";

describe("effectiveConfig", () => {
  it("puts the start options over the repository's config", () => {
    const base = config();
    const effective = effectiveConfig(base, {
      name: "start",
      mode: "harness",
      budget_s: 90,
      parallel: 3,
    });
    expect(effective).toEqual({
      ...base,
      mode: "harness",
      run: { ...base.run, budget: 90 },
      session: { ...base.session, parallel: 3 },
    });
    expect(effectiveConfig(base, { name: "start" })).toEqual(base);
  });

  it("reads the recorded config back, and refuses a ledger without a valid one", () => {
    const recorded = JSON.parse(JSON.stringify(config()));
    expect(recordedConfig(recorded, "s")).toEqual(config());
    expect(() => recordedConfig(undefined, "s")).toThrow(/was not started by the autoopt App/);
    expect(() => recordedConfig({ ...recorded, version: 3 }, "s")).toThrow(
      /the config recorded in session s's ledger is not valid \(version: /,
    );
  });
});
