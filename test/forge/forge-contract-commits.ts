import { describe, expect, it } from "vitest";
import {
  BASE_FILES,
  candidate,
  EXECUTABLE,
  exp,
  type MakeWorld,
  RATCHET,
  started,
  trainWithLr,
  trainWithWarmup,
} from "./forge-world.ts";

/** The contract's reading, committing, re-basing and diffing part. */
export function commitContract(name: string, makeWorld: MakeWorld): void {
  describe(`${name} reads commits`, () => {
    it("readFiles gives the asked files' content at that commit and leaves out missing paths and folders", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const later = world.commit(world.base, { "train.py": trainWithLr("0.06"), "notes.md": null });
      const asked = ["train.py", "sub/lib.py", "missing.py", "sub", "notes.md"];
      expect(await forge.readFiles(world.base, asked)).toEqual(
        new Map([
          ["train.py", BASE_FILES["train.py"]],
          ["sub/lib.py", "SCALE = 2\n"],
          ["notes.md", "# notes\n"],
        ]),
      );
      expect(await forge.readFiles(later, asked)).toEqual(
        new Map([
          ["train.py", trainWithLr("0.06")],
          ["sub/lib.py", "SCALE = 2\n"],
        ]),
      );
      expect(await forge.readFiles(later, [])).toEqual(new Map());
    });

    it("listFiles lists every file of the commit, in folders too, and no removed one", async () => {
      const world = makeWorld();
      const forge = await started(world);
      expect((await forge.listFiles(world.base)).sort()).toEqual(Object.keys(BASE_FILES).sort());
      const later = world.commit(world.base, { "deep/er/new.txt": "new\n", "notes.md": null });
      expect((await forge.listFiles(later)).sort()).toEqual([
        "deep/er/new.txt",
        "run.sh",
        "sub/lib.py",
        "train.py",
      ]);
    });
  });

  describe(`${name} commitCandidate`, () => {
    it("makes one commit on the parent with the files written over its tree, modes kept, and moves no branch", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const before = world.branches("autoopt/");
      const files = {
        "train.py": trainWithLr("0.06"),
        [EXECUTABLE]: "#!/bin/sh\npython train.py --fast\n",
        "new/tool.py": "TOOL = 1\n",
      };
      const sha = await candidate(forge, world.base, files, "lr 0.06");
      expect(world.parents(sha)).toEqual([world.base]);
      expect(world.files(sha)).toEqual({ ...BASE_FILES, ...files });
      expect(world.message(sha)).toBe("lr 0.06");
      expect(world.mode(sha, EXECUTABLE)).toBe("100755");
      expect(world.mode(sha, "train.py")).toBe("100644");
      expect(world.mode(sha, "new/tool.py")).toBe("100644");
      expect(world.branches("autoopt/")).toEqual(before);
      expect(before).toEqual({ [RATCHET]: world.base });
    });

    it("writes over the given parent, not the ratchet, and sets exp-<n> with an experiment", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const ahead = world.commit(world.base, { "notes.md": "# notes\nkept\n" });
      expect(await forge.advanceRatchet(world.base, ahead)).toBe(true);
      const files = new Map([["train.py", trainWithLr("0.06")]]);
      const four = await forge.commitCandidate({
        experiment: 4,
        parent: world.base,
        files,
        message: "m",
      });
      expect(world.parents(four)).toEqual([world.base]);
      expect(world.files(four)).toEqual({ ...BASE_FILES, "train.py": trainWithLr("0.06") });
      const five = await forge.commitCandidate({
        experiment: 5,
        parent: ahead,
        files,
        message: "m",
      });
      expect(world.parents(five)).toEqual([ahead]);
      expect(world.files(five)["notes.md"]).toBe("# notes\nkept\n");
      expect(world.branches("autoopt/")).toEqual({
        [RATCHET]: ahead,
        [exp(4)]: four,
        [exp(5)]: five,
      });
    });
  });

  describe(`${name} rebaseCandidate`, () => {
    it("applies the candidate's change (edits, additions, deletions) on the moved ratchet as one new commit", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const change = { "train.py": trainWithLr("0.06"), "added.txt": "new\n", "sub/lib.py": null };
      const original = world.commit(world.base, change);
      const onto = world.commit(world.base, { "notes.md": "# notes\nthe ratchet moved\n" });
      expect(await forge.advanceRatchet(world.base, onto)).toBe(true);
      const before = world.branches("autoopt/");
      const sha = await forge.rebaseCandidate({
        candidate: original,
        parent: world.base,
        onto,
        message: "re-based",
      });
      if (typeof sha !== "string") throw new Error(`unexpected conflict: ${sha.conflict}`);
      expect(world.parents(sha)).toEqual([onto]);
      expect(world.message(sha)).toBe("re-based");
      expect(world.files(sha)).toEqual({
        "train.py": trainWithLr("0.06"),
        "added.txt": "new\n",
        [EXECUTABLE]: BASE_FILES[EXECUTABLE],
        "notes.md": "# notes\nthe ratchet moved\n",
      });
      expect(world.mode(sha, EXECUTABLE)).toBe("100755");
      expect(world.branches("autoopt/")).toEqual(before);
    });

    it("puts exp-<n> at the new commit when given an experiment, leaving the original's branch", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const original = await forge.commitCandidate({
        experiment: 2,
        parent: world.base,
        files: new Map([["train.py", trainWithLr("0.06")]]),
        message: "lr",
      });
      const onto = world.commit(world.base, { "sub/lib.py": "SCALE = 3\n" });
      expect(await forge.advanceRatchet(world.base, onto)).toBe(true);
      const input = { candidate: original, parent: world.base, onto, message: "again" };
      const sha = await forge.rebaseCandidate({ experiment: 3, ...input });
      if (typeof sha !== "string") throw new Error(`unexpected conflict: ${sha.conflict}`);
      expect(world.files(sha)).toEqual({
        ...BASE_FILES,
        "train.py": trainWithLr("0.06"),
        "sub/lib.py": "SCALE = 3\n",
      });
      expect(world.branches("autoopt/")).toEqual({
        [RATCHET]: onto,
        [exp(2)]: original,
        [exp(3)]: sha,
      });
    });

    it("answers a conflict, and moves no branch, when the ratchet changed the same lines", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const original = await candidate(forge, world.base, { "train.py": trainWithLr("0.06") });
      const onto = world.commit(world.base, { "train.py": trainWithLr("0.05") });
      expect(await forge.advanceRatchet(world.base, onto)).toBe(true);
      const before = world.branches("autoopt/");
      const answer = await forge.rebaseCandidate({
        experiment: 3,
        candidate: original,
        parent: world.base,
        onto,
        message: "re-based",
      });
      expect(answer).toEqual({ conflict: expect.stringMatching(/\S/) });
      expect(world.branches("autoopt/")).toEqual(before);
      expect(before).toEqual({ [RATCHET]: onto });
    });

    it("gives the new base's tree for a candidate that changes nothing", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const same = await candidate(forge, world.base, { "notes.md": "# notes\n" });
      expect(world.files(same)).toEqual(BASE_FILES);
      const onto = world.commit(world.base, { "train.py": trainWithWarmup("200") });
      const sha = await forge.rebaseCandidate({
        candidate: same,
        parent: world.base,
        onto,
        message: "nothing",
      });
      if (typeof sha !== "string") throw new Error(`unexpected conflict: ${sha.conflict}`);
      expect(world.parents(sha)).toEqual([onto]);
      expect(world.files(sha)).toEqual(world.files(onto));
    });
  });

  describe(`${name} diff`, () => {
    it("shows each changed file's removed and added lines between two commits, and no unchanged file", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const later = world.commit(world.base, {
        "train.py": trainWithLr("0.06"),
        "added.txt": "hello\n",
        "notes.md": null,
      });
      const diff = await forge.diff(world.base, later);
      for (const path of ["train.py", "added.txt", "notes.md"])
        expect(diff).toContain(`diff --git a/${path} b/${path}`);
      for (const line of ["-LR = 0.04", "+LR = 0.06", "+hello", "-# notes", "+++ /dev/null"])
        expect(diff.split("\n")).toContain(line);
      expect(diff).not.toMatch(/run\.sh|sub\/lib\.py/);
      const back = (await forge.diff(later, world.base)).split("\n");
      expect(back).toContain("+LR = 0.04");
      expect(back).toContain("-LR = 0.06");
      expect(await forge.diff(later, later)).toBe("");
    });
  });
}
