import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const POOL = join(import.meta.dirname, "../../src/archive/grep-pool.ts");

describe("GrepPool", () => {
  it("searches in a worker and lets the process exit once idle", () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-grep-pool-"));
    const file = join(dir, "a.log");
    writeFileSync(file, "one\nneedle here\nthree\n");
    const script = `
      import { GrepPool } from ${JSON.stringify(pathToFileURL(POOL).href)};
      const pool = GrepPool.shared();
      if (!pool) { console.log("no pool"); process.exit(0); }
      const results = await pool.search([{ path: "a.log", disk: ${JSON.stringify(file)} }],
        { regex: /needle/, maxMatches: 10 }, Date.now() + 10_000);
      console.log(JSON.stringify(results[0]?.lines));
    `;
    const main = join(dir, "main.mjs");
    writeFileSync(main, script);
    const child = spawnSync(process.execPath, [main], {
      encoding: "utf8",
      timeout: 30_000,
    });
    // A worker still referenced would keep the child alive until the timeout kills it.
    expect(child.stderr).toBe("");
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/needle here|no pool/);
  });
});
