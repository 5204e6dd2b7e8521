import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleAction, distDifferences } from "../../scripts/build-action.ts";

const DIST = fileURLToPath(new URL("../../dist", import.meta.url));
const copy = mkdtempSync(join(tmpdir(), "autoopt-dist-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("the dist/ freshness check", () => {
  it("builds the same bytes twice, so the check can compare", async () => {
    const [first, second] = [await bundleAction(), await bundleAction()];
    expect([...first.keys()]).toContain("index.js");
    expect([...first.keys()].some((name) => /^chunks\/artifact-\w+\.js$/.test(name))).toBe(true);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, contents] of first) {
      expect(Buffer.from(contents).equals(Buffer.from(second.get(name) ?? [])), name).toBe(true);
      const text = Buffer.from(contents).toString("utf8");
      expect(
        text.startsWith('import { createRequire as __autooptCreateRequire } from "node:module";'),
      ).toBe(true);
      expect(text, `${name} must not name the machine that built it`).not.toMatch(
        /\/work\/|\/home\/|\/tmp\//,
      );
    }
  });

  it("finds an edited, a missing and an extra file in a copy of dist/", async () => {
    const fresh = await bundleAction();
    const dir = join(copy, "dist");
    cpSync(DIST, dir, { recursive: true });
    expect(await distDifferences(fresh, dir)).toEqual([]);
    writeFileSync(join(dir, "index.js"), "// edited by hand\n", { flag: "a" });
    writeFileSync(join(dir, "stale.js"), "");
    expect(await distDifferences(fresh, dir)).toEqual([
      "dist/index.js differs from a fresh build",
      "dist/stale.js is not produced by the build",
    ]);
    rmSync(join(dir, "index.js"));
    expect(await distDifferences(fresh, dir)).toContain("dist/index.js is missing");
  });
});
