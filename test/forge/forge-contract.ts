import { describe, expect, it } from "vitest";
import { commitContract } from "./forge-contract-commits.ts";
import {
  candidate,
  exp,
  frontier,
  type MakeWorld,
  RATCHET,
  SESSION,
  started,
  trainWithLr,
} from "./forge-world.ts";

export type { ForgeWorld, MakeWorld } from "./forge-world.ts";

/**
 * What the engine relies on from a Forge, declared once and run against every implementation:
 * `makeWorld` gives a fresh repository for each test, with forges over it and its own git view.
 */
export function forgeContract(name: string, makeWorld: MakeWorld): void {
  sessionContract(name, makeWorld);
  commitContract(name, makeWorld);
  branchContract(name, makeWorld);
}

function sessionContract(name: string, makeWorld: MakeWorld): void {
  describe(`${name} session and ratchet`, () => {
    it("has no ratchet before startSession, then has it at the base commit", async () => {
      const world = makeWorld();
      const forge = world.forge(SESSION);
      await expect(forge.ratchetHead()).rejects.toThrow(/has no ratchet branch/);
      await forge.startSession(world.base);
      expect(world.branch(RATCHET)).toBe(world.base);
      expect(await forge.ratchetHead()).toBe(world.base);
      expect(world.branches("autoopt/")).toEqual({ [RATCHET]: world.base });
    });

    it("startSession again, in this process or a resumed one, leaves an advanced ratchet where it is", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const kept = await candidate(forge, world.base, { "train.py": trainWithLr("0.06") });
      expect(await forge.advanceRatchet(world.base, kept)).toBe(true);
      await forge.startSession(world.base);
      const resumed = world.forge(SESSION);
      await resumed.startSession(world.base);
      await resumed.startSession(world.commit(world.base, { "notes.md": "elsewhere\n" }));
      expect(world.branch(RATCHET)).toBe(kept);
      expect(await resumed.ratchetHead()).toBe(kept);
    });

    it("keeps sessions apart, and ratchetHead reads the branch wherever another writer moved it", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const other = world.commit(world.base, { "notes.md": "other\n" });
      await world.forge("s2").startSession(other);
      expect(world.branch("autoopt/s2/ratchet")).toBe(other);
      expect(await forge.ratchetHead()).toBe(world.base);
      world.setBranch(RATCHET, other);
      expect(await forge.ratchetHead()).toBe(other);
    });
  });

  describe(`${name} advanceRatchet`, () => {
    it("fast-forwards the ratchet when it is at `from`, whether or not it was just read", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "train.py": trainWithLr("0.06") });
      const two = await candidate(forge, one, { "notes.md": "two\n" });
      const three = await candidate(forge, two, { "notes.md": "three\n" });
      expect(await forge.ratchetHead()).toBe(world.base);
      expect(await forge.advanceRatchet(world.base, two)).toBe(true);
      expect(world.branch(RATCHET)).toBe(two);
      expect(await forge.advanceRatchet(two, three)).toBe(true);
      expect(world.branch(RATCHET)).toBe(three);
    });

    it("is false and moves nothing when another writer moved the ratchet from `from`", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const two = await candidate(forge, one, { "notes.md": "two\n" });
      const aside = await candidate(forge, one, { "notes.md": "aside\n" });
      // `two` descends from where the ratchet is now too: only the compare makes this false.
      world.setBranch(RATCHET, one);
      expect(await forge.advanceRatchet(world.base, two)).toBe(false);
      expect(world.branch(RATCHET)).toBe(one);
      // Read by this writer, then moved by another before this one's move.
      expect(await forge.ratchetHead()).toBe(one);
      expect(await world.forge(SESSION).advanceRatchet(one, two)).toBe(true);
      expect(await forge.advanceRatchet(one, aside)).toBe(false);
      expect(world.branch(RATCHET)).toBe(two);
    });

    it("compares with where resetRatchet put the ratchet, not with an earlier read", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const two = await candidate(forge, one, { "notes.md": "two\n" });
      expect(await forge.ratchetHead()).toBe(world.base);
      await forge.resetRatchet(one);
      expect(await forge.advanceRatchet(world.base, two)).toBe(false);
      expect(world.branch(RATCHET)).toBe(one);
      expect(await forge.advanceRatchet(one, two)).toBe(true);
      expect(world.branch(RATCHET)).toBe(two);
    });

    it("refuses a move that is not a fast-forward and leaves the ratchet", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const aside = await candidate(forge, world.base, { "notes.md": "aside\n" });
      expect(await forge.advanceRatchet(world.base, one)).toBe(true);
      await expect(forge.advanceRatchet(one, aside)).rejects.toThrow(/not a fast-forward/);
      await expect(forge.advanceRatchet(one, world.base)).rejects.toThrow(/not a fast-forward/);
      expect(world.branch(RATCHET)).toBe(one);
    });
  });

  describe(`${name} resetRatchet`, () => {
    it("puts the ratchet at any commit: back, or onto one that does not descend from it", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const aside = await candidate(forge, world.base, { "notes.md": "aside\n" });
      expect(await forge.advanceRatchet(world.base, one)).toBe(true);
      await forge.resetRatchet(world.base);
      expect(world.branch(RATCHET)).toBe(world.base);
      await forge.resetRatchet(one);
      await forge.resetRatchet(aside);
      expect(world.branch(RATCHET)).toBe(aside);
      expect(await forge.ratchetHead()).toBe(aside);
    });

    it("creates the ratchet when there is none", async () => {
      const world = makeWorld();
      await world.forge(SESSION).resetRatchet(world.base);
      expect(world.branches("autoopt/")).toEqual({ [RATCHET]: world.base });
    });
  });
}

function branchContract(name: string, makeWorld: MakeWorld): void {
  describe(`${name} experiment branches`, () => {
    it("setExperimentBranch creates exp-<n>, then moves it wherever it is asked to", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const aside = await candidate(forge, world.base, { "notes.md": "aside\n" });
      await forge.setExperimentBranch(2, one);
      expect(world.branches("autoopt/")).toEqual({ [RATCHET]: world.base, [exp(2)]: one });
      await forge.setExperimentBranch(2, aside);
      expect(world.branch(exp(2))).toBe(aside);
      await forge.setExperimentBranch(3, one);
      await forge.setExperimentBranch(2, world.base);
      expect(world.branches("autoopt/")).toEqual({
        [RATCHET]: world.base,
        [exp(2)]: world.base,
        [exp(3)]: one,
      });
    });

    it("dropExperiment deletes only exp-<n>, and does nothing when it is gone already", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      await forge.setExperimentBranch(2, one);
      await forge.setExperimentBranch(3, one);
      await forge.dropExperiment(2);
      expect(world.branches("autoopt/")).toEqual({ [RATCHET]: world.base, [exp(3)]: one });
      await forge.dropExperiment(2);
      await world.forge(SESSION).dropExperiment(7);
      expect(world.branches("autoopt/")).toEqual({ [RATCHET]: world.base, [exp(3)]: one });
    });
  });

  describe(`${name} markFrontier`, () => {
    it("keeps exactly the given members under frontier/, and touches no other branch", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const two = await candidate(forge, world.base, { "notes.md": "two\n" });
      const three = await candidate(forge, world.base, { "notes.md": "three\n" });
      await forge.setExperimentBranch(1, one);
      world.setBranch("autoopt/s2/frontier/exp-1", two);
      const others = { [RATCHET]: world.base, [exp(1)]: one, "autoopt/s2/frontier/exp-1": two };
      await forge.markFrontier([
        { experiment: 1, sha: one },
        { experiment: 2, sha: two },
      ]);
      expect(world.branches("autoopt/")).toEqual({
        ...others,
        [frontier(1)]: one,
        [frontier(2)]: two,
      });
      await forge.markFrontier([
        { experiment: 2, sha: three },
        { experiment: 3, sha: one },
      ]);
      expect(world.branches("autoopt/")).toEqual({
        ...others,
        [frontier(2)]: three,
        [frontier(3)]: one,
      });
      await forge.markFrontier([]);
      expect(world.branches("autoopt/")).toEqual(others);
    });

    it("is idempotent, in this process or a resumed one", async () => {
      const world = makeWorld();
      const forge = await started(world);
      const one = await candidate(forge, world.base, { "notes.md": "one\n" });
      const members = [
        { experiment: 4, sha: one },
        { experiment: 6, sha: world.base },
      ];
      await forge.markFrontier(members);
      await forge.markFrontier(members);
      await world.forge(SESSION).markFrontier(members);
      expect(world.branches(`autoopt/${SESSION}/frontier/`)).toEqual({
        [frontier(4)]: one,
        [frontier(6)]: world.base,
      });
    });
  });
}
