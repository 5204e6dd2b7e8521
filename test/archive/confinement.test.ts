import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRETS } from "./fixture.ts";
import { buildTools, type ToolsFixture } from "./tools-fixture.ts";

let t: ToolsFixture;
beforeAll(async () => {
  t = await buildTools();
});
afterAll(() => t.close());

const secrets = Object.values(SECRETS);
const leaks = (out: string) => secrets.filter((s) => out.includes(s));

/** Every way the model can name a path: reading it, listing it, searching under it. */
async function everyTool(path: string): Promise<string[]> {
  return [
    await t.tools.read_file({ path }),
    await t.tools.list_files({ path, depth: 8 }),
    await t.tools.grep({ pattern: "SECRET", path }),
    await t.tools.grep({ pattern: ".", path, glob: "**", max_matches: 1000 }),
  ];
}

describe("path confinement", () => {
  it("plants secrets that a plain file read would reach (so the checks below can fail)", () => {
    expect(readFileSync(join(t.sessionDir, "exp-2", "leak.txt"), "utf8")).toContain(
      SECRETS.outside,
    );
    expect(readFileSync(join(t.sessionDir, "exp-2", "lock-link"), "utf8")).toContain(SECRETS.lock);
    expect(readFileSync(join(t.sessionDir, t.heldout), "utf8")).toContain(SECRETS.heldout);
  });

  it.each([
    ["../../outside/secret.txt", /"\.\." is not allowed/],
    ["exp-1/../../../outside/secret.txt", /"\.\." is not allowed/],
    ["exp-1\\..\\..\\..\\outside\\secret.txt", /"\.\." is not allowed/],
    ["/etc/passwd", /absolute paths are not allowed/],
    [join("/", "..", "outside", "secret.txt"), /absolute paths are not allowed/],
    ["C:/Windows/win.ini", /absolute paths are not allowed/],
    ["~/.ssh/id_rsa", /absolute paths are not allowed/],
    ["exp-1/run.log\0.png", /NUL byte/],
    ["exp-2/leak.txt", /no such file/],
    ["exp-2/leakdir/secret.txt", /no such file/],
    ["exp-2/lock-link", /no such file/],
    ["exp-2/worktrees-link/exp-5/train.py", /no such file/],
    ["worktrees/exp-5/train.py", /no such file/],
    ["./worktrees", /no such file/],
    ["session.lock", /no such file/],
    ["index.sqlite", /no such file/],
    ["index.sqlite-wal", /no such file/],
    ["exp-3/heldout.json", /no such file/],
    ["exp-2/proposal.json.123.tmp", /no such file/],
  ])("refuses %j in every tool and leaks nothing", async (path, why) => {
    for (const out of await everyTool(path)) {
      expect(out).toMatch(/^error: /);
      expect(out).toMatch(why);
      expect(leaks(out)).toEqual([]);
    }
  });

  it("never shows hidden or outside content when searching or listing the whole archive", async () => {
    const outs = [
      await t.tools.list_files({ depth: 8 }),
      await t.tools.grep({ pattern: "secret", ignore_case: true, max_matches: 1000 }),
      await t.tools.grep({ pattern: "[A-Z]+-SECRET-[0-9a-f]+", max_matches: 1000 }),
      await t.tools.sql({ query: "SELECT group_concat(content) FROM documents" }),
      await t.tools.sql({ query: "SELECT group_concat(data) FROM tasks" }),
    ];
    for (const out of outs) expect(leaks(out)).toEqual([]);
    expect(outs[0]).not.toMatch(/worktrees\/|session\.lock|index\.sqlite|heldout|\.tmp|leak/);
  });

  it("follows a link that stays inside the archive", async () => {
    expect(await t.tools.read_file({ path: "exp-2/log-link", limit: 1 })).toMatch(
      /^1\texperiment 2: python train.py\n\[lines 1–1 of 125;/,
    );
  });
});

// Paths built from the pieces an escape would use, joined every way a model might join them.
const piece = fc.constantFrom(
  "..",
  ".",
  "",
  " ",
  "~",
  "C:",
  "\0",
  "exp-1",
  "exp-2",
  "exp-3",
  "exp-5",
  "candidate",
  "outside",
  "secret.txt",
  "leak.txt",
  "leakdir",
  "lock-link",
  "worktrees-link",
  "worktrees",
  "session.lock",
  "index.sqlite",
  "index.sqlite-wal",
  "heldout.json",
  "proposal.json.123.tmp",
  "train.py",
  "run.log",
);
const separator = fc.constantFrom("/", "\\", "//", "/./");
const crafted = fc
  .tuple(fc.constantFrom("", "/", "./", "\\"), fc.array(piece, { maxLength: 7 }), separator)
  .map(([lead, parts, sep]) => lead + parts.join(sep));
const anyPath = fc.oneof(crafted, crafted, fc.string({ maxLength: 40 }));

describe("path confinement, property", () => {
  it("no tool output for any path ever contains a planted secret", async () => {
    await fc.assert(
      fc.asyncProperty(anyPath, async (path) => {
        for (const out of await everyTool(path)) expect(leaks(out)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
