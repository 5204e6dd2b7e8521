import { describe, expect, it } from "vitest";
import { createSandbox, SandboxUnavailable } from "../../src/sandbox/index.ts";

const missing = () => "bwrap is not installed";

describe("createSandbox where bubblewrap cannot run", () => {
  it("runs uncontained under auto, with a warning that says what is at risk and how to fix it", async () => {
    const sandbox = createSandbox("auto", missing);
    expect(sandbox.containment).toBe("none");
    expect(sandbox.warning).toContain("running uncontained (bwrap is not installed)");
    expect(sandbox.warning).toContain("can read your files and secrets");
    expect(sandbox.warning).toContain("apt-get install bubblewrap");
    let out = "";
    const outcome = await sandbox.run({
      command: "echo $((6 * 7))",
      cwd: "/",
      env: { PATH: "/usr/bin:/bin" },
      writable: [],
      readOnly: [],
      hidden: [],
      masked: [],
      devices: [],
      network: false,
      limitS: 10,
      onOutput: (chunk) => {
        out += chunk.toString();
      },
    });
    expect(outcome).toMatchObject({ end: "exited", exitCode: 0 });
    expect(out).toBe("42\n");
  });

  it("refuses under bubblewrap, naming the install and the explicit way out", () => {
    expect(() => createSandbox("bubblewrap", missing)).toThrow(SandboxUnavailable);
    expect(() => createSandbox("bubblewrap", missing)).toThrow(
      /the sandbox cannot start: bwrap is not installed; install bubblewrap .*, or set sandbox\.containment: none/,
    );
  });

  it("never asks bubblewrap under none, and says the choice is deliberate", () => {
    const sandbox = createSandbox("none", () => {
      throw new Error("probed");
    });
    expect(sandbox.containment).toBe("none");
    expect(sandbox.warning).toMatch(/^containment: none — /);
  });
});

describe("createSandbox where bubblewrap is installed but cannot make namespaces", () => {
  it("says to allow user namespaces, not to install it", () => {
    const sandbox = createSandbox(
      "auto",
      () => "bwrap fails here: bwrap: setting up uid map: Permission denied",
    );
    expect(sandbox.warning).toContain("allow unprivileged user namespaces");
    expect(sandbox.warning).not.toContain("apt-get install bubblewrap");
  });
});
