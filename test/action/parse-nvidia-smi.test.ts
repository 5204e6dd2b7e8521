import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseNvidiaSmi } from "../../src/action/parse-nvidia-smi.ts";
import { queryGpu } from "../../src/action/query-gpu.ts";

// Output of `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` as real
// drivers print it (one line per GPU, MiB, a trailing newline).
const H100 = "NVIDIA H100 80GB HBM3, 81559\n";
const EIGHT_H100 = H100.repeat(8);
const H200 = "NVIDIA H200, 143771\n";
const MIXED = "NVIDIA A100-SXM4-80GB, 81920\nTesla T4, 15360\n";
const UNIFIED = "NVIDIA GB10, [N/A]\n";

describe("parseNvidiaSmi", () => {
  it.each([
    [H100, { gpu: "NVIDIA H100 80GB HBM3", gpu_memory_mb: 81559 }],
    [H200, { gpu: "NVIDIA H200", gpu_memory_mb: 143771 }],
    [EIGHT_H100, { gpu: "8 × NVIDIA H100 80GB HBM3", gpu_memory_mb: 81559 }],
    [MIXED, { gpu: "NVIDIA A100-SXM4-80GB + Tesla T4", gpu_memory_mb: 81920 }],
    [UNIFIED, { gpu: "NVIDIA GB10" }],
    ["NVIDIA L4, 23034\r\n", { gpu: "NVIDIA L4", gpu_memory_mb: 23034 }],
  ])("reads %j", (text, expected) => {
    expect(parseNvidiaSmi(text)).toEqual(expected);
  });

  it("reads nothing as no GPU", () => {
    expect(parseNvidiaSmi("")).toBeUndefined();
    expect(parseNvidiaSmi("\n")).toBeUndefined();
  });
});

/** Whether a process still runs (a zombie waiting to be reaped does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("queryGpu", () => {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-smi-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function fakeSmi(name: string, script: string): string {
    const bin = join(dir, name);
    mkdirSync(bin);
    writeFileSync(join(bin, "nvidia-smi"), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, "nvidia-smi"), 0o755);
    return bin;
  }

  it("runs nvidia-smi with the query and parses its answer", async () => {
    const bin = fakeSmi(
      "ok",
      `[ "$1 $2" = "--query-gpu=name,memory.total --format=csv,noheader,nounits" ] || exit 2\nprintf '${H100}'`,
    );
    expect(await queryGpu({ PATH: bin })).toEqual({
      ok: true,
      gpu: { gpu: "NVIDIA H100 80GB HBM3", gpu_memory_mb: 81559 },
    });
  });

  it("takes a runner without nvidia-smi as one without a GPU", async () => {
    expect(await queryGpu({ PATH: join(dir, "no-such-dir") })).toEqual({
      ok: true,
      gpu: undefined,
    });
  });

  it("reports an nvidia-smi that fails instead of throwing, with what it said", async () => {
    const bin = fakeSmi(
      "broken",
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."; echo; exit 9',
    );
    expect(await queryGpu({ PATH: bin })).toEqual({
      ok: false,
      reason:
        "nvidia-smi failed: it exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    });
    const mismatch = fakeSmi(
      "mismatch",
      'echo "Failed to initialize NVML: Driver/library version mismatch" >&2; echo "NVML library version: 550.127" >&2; exit 18',
    );
    expect(await queryGpu({ PATH: mismatch })).toEqual({
      ok: false,
      reason:
        "nvidia-smi failed: it exited with code 18: Failed to initialize NVML: Driver/library version mismatch",
    });
  });

  it("SIGKILLs an nvidia-smi that hangs and ignores SIGTERM, with what it started, at the timeout", async () => {
    const pids = join(dir, "hang.pids");
    const bin = fakeSmi("hang", `trap '' TERM\nsleep 60 &\necho "$$ $!" > ${pids}\nwait\nsleep 60`);
    const started = performance.now();
    const query = await queryGpu({ PATH: `${bin}:/usr/bin:/bin` }, { timeoutMs: 400 });
    const took = performance.now() - started;
    expect(query).toEqual({
      ok: false,
      reason: "nvidia-smi did not answer within 0.4 s and was killed (a hung driver or GPU)",
    });
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(2_000);
    const [shell, sleeper] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
    await expect
      .poll(() => [alive(shell ?? 0), alive(sleeper ?? 0)], { timeout: 2_000 })
      .toEqual([false, false]);
  });

  it("does not wait for a child nvidia-smi left behind once nvidia-smi itself has answered", async () => {
    const bin = fakeSmi("leftover", `sleep 60 &\nprintf '${H100}'`);
    const started = performance.now();
    expect(await queryGpu({ PATH: `${bin}:/usr/bin:/bin` }, { timeoutMs: 5_000 })).toEqual({
      ok: true,
      gpu: { gpu: "NVIDIA H100 80GB HBM3", gpu_memory_mb: 81559 },
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
