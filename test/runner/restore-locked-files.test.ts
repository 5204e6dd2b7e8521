import { createHash } from "node:crypto";
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitEnv } from "../../src/runner/git-cli.ts";
import { restoreLockedFiles } from "../../src/runner/restore-locked-files.ts";
import { makeConfig, makeRepo, removeTempDirs, tempDir, testPath } from "./fixtures.ts";

afterAll(removeTempDirs);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const env = gitEnv({ PATH: testPath, HOME: process.env.HOME });

describe("restoreLockedFiles", () => {
  it("writes the base content over whatever is there and records its hash", async () => {
    const repo = makeRepo({
      "prepare.py": "print('trusted')\n",
      "eval.sh": { script: "echo ok\n" },
      "train.sh": "x\n",
    });
    writeFileSync(join(repo.dir, "prepare.py"), "print('tampered')\n");
    rmSync(join(repo.dir, "eval.sh"));
    writeFileSync(join(repo.dir, "eval.sh"), "echo fake\n");
    chmodSync(join(repo.dir, "eval.sh"), 0o644);
    const result = await restoreLockedFiles({ dir: repo.dir, env }, makeConfig(), repo.baseSha);
    expect(result).toEqual({
      ok: true,
      hashes: { "eval.sh": sha256("echo ok\n"), "prepare.py": sha256("print('trusted')\n") },
    });
    expect(readFileSync(join(repo.dir, "prepare.py"), "utf8")).toBe("print('trusted')\n");
    expect(statSync(join(repo.dir, "eval.sh")).mode & 0o777).toBe(0o755);
  });

  it("is fine when a locked glob matches nothing", async () => {
    const repo = makeRepo({ "train.sh": "x\n" });
    expect(await restoreLockedFiles({ dir: repo.dir, env }, makeConfig(), repo.baseSha)).toEqual({
      ok: true,
      hashes: {},
    });
  });

  it("refuses to write through a directory swapped for a symlink", async () => {
    const repo = makeRepo({ "data/prepare.py": "trusted\n", "train.sh": "x\n" });
    const outside = tempDir();
    rmSync(join(repo.dir, "data"), { recursive: true });
    symlinkSync(outside, join(repo.dir, "data"));
    const config = makeConfig({}, { locked: ["data/*.py"] });
    const result = await restoreLockedFiles({ dir: repo.dir, env }, config, repo.baseSha);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain("leads outside the workdir");
  });
});
