import { describe, expect, it } from "vitest";
import { riskyPattern } from "../../src/archive/risky-pattern.ts";
import { buildTools } from "./tools-fixture.ts";

describe("riskyPattern", () => {
  it.each([
    "(a+)+$",
    "(\\w*)*x",
    "(x|y+){2,}",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "(.*a){12}",
    "(a|ab)*c",
    "(\\d|\\.)+",
  ])("refuses %s", (p) => {
    expect(riskyPattern(p)).toBe(true);
  });

  it.each([
    "val_bpb",
    "loss: \\d+\\.\\d+",
    "(error|warning)",
    "a+b*",
    "(ab)+",
    "exp-(\\d+)",
    "\\(a+\\)+",
    "(x|y){2}",
    "[(]a+[)]+",
  ])("allows %s", (p) => {
    expect(riskyPattern(p)).toBe(false);
  });

  it("keeps grep from hanging on a catastrophic pattern", async () => {
    const f = await buildTools();
    try {
      const started = performance.now();
      const out = await f.tools.grep({ pattern: "^(a+)+$" });
      expect(out).toMatch(/^error: .*exponential time/);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      f.close();
    }
  });
});
