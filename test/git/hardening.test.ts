import { describe, expect, it } from "vitest";
import { driverOverrides, mayRunDrivers } from "../../src/git/hardening.ts";

describe("mayRunDrivers", () => {
  it("lets plumbing that never converts content skip listing the drivers", () => {
    expect(mayRunDrivers(["rev-parse", "HEAD"])).toBe(false);
    expect(mayRunDrivers(["--git-dir=/r/.git", "--work-tree=/w", "ls-tree", "-r", "HEAD"])).toBe(
      false,
    );
    expect(mayRunDrivers(["hash-object", "-w", "--stdin"])).toBe(false);
    expect(mayRunDrivers(["update-index", "--add", "--cacheinfo", "100644,abc,a.py"])).toBe(false);
    expect(mayRunDrivers(["read-tree", "HEAD"])).toBe(false);
    expect(mayRunDrivers(["worktree", "prune"])).toBe(false);
  });

  it("treats checkouts, status, merges, fetches and anything unknown as able to run one", () => {
    expect(mayRunDrivers(["worktree", "add", "--detach", "/w", "HEAD"])).toBe(true);
    expect(mayRunDrivers(["checkout-index", "--all"])).toBe(true);
    expect(mayRunDrivers(["read-tree", "-u", "-m", "HEAD"])).toBe(true);
    expect(mayRunDrivers(["status", "--porcelain"])).toBe(true);
    expect(mayRunDrivers(["apply", "--cached", "--3way"])).toBe(true);
    expect(mayRunDrivers(["-c", "http.extraheader=x", "fetch", "origin"])).toBe(true);
    expect(mayRunDrivers(["hash-object", "-w", "--stdin", "--path=a.py"])).toBe(true);
    expect(mayRunDrivers(["cat-file", "--filters", "HEAD:a.py"])).toBe(true);
    expect(mayRunDrivers(["something-new"])).toBe(true);
  });
});

describe("driverOverrides", () => {
  it("makes every defined filter, merge and upload-pack program inert, under any name", () => {
    expect(
      driverOverrides([
        "filter.lfs.smudge",
        "filter.My.Name.process",
        "filter.x.required",
        "merge.ours.driver",
        "remote.origin.uploadpack",
        "remote.origin.url",
        "core.fsmonitor",
      ]),
    ).toEqual([
      ["filter.lfs.smudge", ""],
      ["filter.My.Name.process", ""],
      ["filter.x.required", "false"],
      ["merge.ours.driver", "exit 1"],
      ["remote.origin.uploadpack", "git-upload-pack"],
    ]);
  });
});
