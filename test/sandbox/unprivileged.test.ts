import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

// Unprivileged users are who runs autoopt; a root test process checks that case as nobody.
// Run as anyone else, the rest of the suite is that check already.
describe.skipIf(!isRoot)("the sandbox as an unprivileged user", () => {
  it("starts, hides the caller's secrets and HOME, and keeps the root read-only", () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-unprivileged-"));
    chmodSync(dir, 0o777);
    const probe = join(import.meta.dirname, "fixtures", "unprivileged-probe.ts");
    const text = execFileSync(
      "setpriv",
      [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, probe, dir],
      { encoding: "utf8", env: { PATH: process.env.PATH, PROBE_SECRET: "s3cr3t-value" } },
    );
    const seen = JSON.parse(text);
    expect(seen).toMatchObject({ end: "exited", exitCode: 0, output: "done", uid: String(NOBODY) });
    // The probe's own environment carries PROBE_SECRET; the sandbox's /proc shows none of it.
    expect(seen.secretLines).toBe(0);
    expect(seen.sandboxHome).toBe("planted");
    expect(seen.hostHome).toBe("absent");
    expect(seen.wroteUsr).toBe("no");
  });
});
