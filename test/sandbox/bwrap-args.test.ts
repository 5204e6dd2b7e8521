import { describe, expect, it } from "vitest";
import { bwrapArgs, type PathKind, type SandboxSpec, toolRoots } from "../../src/sandbox/index.ts";

function spec(extra: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    command: "python3 train.py",
    cwd: "/home/u/repo/.autoopt/s/worktrees/exp-1",
    env: { PATH: "/home/u/.pyenv/shims:/home/u/repo/.venv/bin:/usr/bin:/bin", HOME: "/home/u" },
    writable: ["/home/u/repo/.autoopt/s/worktrees/exp-1", "/home/u/repo/.autoopt/s/exp-1/out"],
    readOnly: ["/data/train.bin"],
    hidden: ["/home/u/repo", "/home/u"],
    masked: ["/home/u/repo/.autoopt/s/worktrees/exp-1/.git"],
    devices: ["/dev/nvidia0"],
    network: false,
    limitS: 10,
    onOutput: () => {},
    ...extra,
  };
}

const kinds: Record<string, PathKind> = {
  "/tmp": "dir",
  "/var/tmp": "dir",
  "/dev/shm": "dir",
  "/run": "dir",
  "/home/u": "dir",
  "/home/u/repo": "dir",
  "/home/u/repo/.autoopt/s/worktrees/exp-1/.git": "file",
};
const kindOf = (path: string): PathKind => kinds[path] ?? "missing";

/** The mount operations in order, as `op path`. */
function mounts(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const op = args[i];
    if (op === "--tmpfs") out.push(`tmpfs ${args[++i]}`);
    else if (
      op === "--ro-bind" ||
      op === "--ro-bind-try" ||
      op === "--bind" ||
      op === "--dev-bind-try"
    ) {
      out.push(
        `${op.replace(/^--/, "")} ${args[i + 2]}${args[i + 1] !== args[i + 2] ? ` <- ${args[i + 1]}` : ""}`,
      );
      i += 2;
    }
  }
  return out;
}

describe("bwrapArgs", () => {
  it("mounts the read-only root, then hides, then binds back, then masks, then devices", () => {
    const args = bwrapArgs(spec(), kindOf, "/tmp/empty");
    expect(mounts(args)).toEqual([
      "ro-bind /",
      "tmpfs /tmp",
      "tmpfs /var/tmp",
      "tmpfs /dev/shm",
      "tmpfs /run",
      "tmpfs /home/u",
      "tmpfs /home/u/repo",
      "ro-bind-try /data/train.bin",
      "ro-bind-try /home/u/.pyenv",
      "ro-bind-try /home/u/repo/.venv",
      "bind /home/u/repo/.autoopt/s/exp-1/out",
      "bind /home/u/repo/.autoopt/s/worktrees/exp-1",
      "ro-bind /home/u/repo/.autoopt/s/worktrees/exp-1/.git <- /tmp/empty",
      "dev-bind-try /dev/nvidia0",
    ]);
    expect(args.slice(0, 1)).toEqual(["bwrap"]);
    expect(args).toContain("--unshare-all");
    expect(args).not.toContain("--share-net");
    expect(args).toEqual(
      expect.arrayContaining(["--die-with-parent", "--new-session", "--cap-drop", "ALL"]),
    );
    expect(args.slice(-4)).toEqual(["--", "/bin/sh", "-c", "python3 train.py"]);
    expect(args[args.indexOf("--chdir") + 1]).toBe("/home/u/repo/.autoopt/s/worktrees/exp-1");
  });

  it("shares the network only when asked, and skips hidden paths that do not exist", () => {
    const args = bwrapArgs(spec({ network: true, hidden: ["/nonexistent"] }), kindOf, "/tmp/empty");
    expect(args).toContain("--share-net");
    expect(args).not.toContain("/nonexistent");
  });
});

describe("toolRoots", () => {
  it("binds back the top folder of each PATH entry inside a hidden place, and nothing else", () => {
    expect(
      toolRoots(
        "/home/u/.pyenv/shims:/home/u/.local/bin:/home/u/bin:/home/u:/usr/bin:relative/bin",
        ["/home/u"],
      ),
    ).toEqual(["/home/u/.pyenv", "/home/u/.local", "/home/u/bin"]);
    expect(toolRoots("/usr/bin:/bin", ["/home/u"])).toEqual([]);
  });

  it("never binds back a folder that holds another hidden place", () => {
    // The repository lies in HOME: its virtualenv is bound back, not the whole repository.
    expect(toolRoots("/home/u/repo/.venv/bin", ["/home/u", "/home/u/repo"])).toEqual([
      "/home/u/repo/.venv",
    ]);
    expect(toolRoots("/home/u/tools/bin", ["/home/u", "/home/u/tools/secrets"])).toEqual([]);
  });
});
