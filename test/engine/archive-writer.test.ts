import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveWriter, writeAtomic } from "../../src/engine/archive-writer.ts";
import { sessionPathsAt } from "../../src/engine/session-paths.ts";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-archive-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("writeAtomic", () => {
  it("makes the folders a file needs, replaces a file already there, and leaves nothing else", async () => {
    const dir = temp();
    const path = join(dir, "a", "b", "c.txt");
    await writeAtomic(path, "one");
    await writeAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["c.txt"]);
  });

  it("says which file it could not write", async () => {
    const dir = temp();
    await writeAtomic(join(dir, "file"), "x");
    // A folder cannot be made inside a file.
    await expect(writeAtomic(join(dir, "file", "inner"), "y")).rejects.toThrow(
      /cannot write .*inner/,
    );
  });
});

describe("ArchiveWriter.saveProposal", () => {
  it("keeps the candidate's files, its diff and its record", async () => {
    const archive = new ArchiveWriter(sessionPathsAt(temp()));
    const files = new Map([
      ["train.py", "DEPTH = 12\n"],
      ["sub/model.py", "WIDTH = 3\n"],
    ]);
    const meta = { parent: "a".repeat(40), sha: "b".repeat(40), proposer: "search" };
    await archive.saveProposal(4, { description: "deeper", files }, meta, "diff --git …\n");
    const dir = archive.experimentDir(4);
    expect(readFileSync(join(dir, "files", "sub", "model.py"), "utf8")).toBe("WIDTH = 3\n");
    expect(readFileSync(join(dir, "files", "train.py"), "utf8")).toBe("DEPTH = 12\n");
    expect(await archive.readDiff(4)).toBe("diff --git …\n");
    const record = JSON.parse(readFileSync(join(dir, "proposal.json"), "utf8"));
    expect(record).toMatchObject({ experiment: 4, ...meta, files: ["train.py", "sub/model.py"] });
  });
});
