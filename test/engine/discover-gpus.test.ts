import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverGpus, gpuDevices } from "../../src/engine/discover-gpus.ts";

function fakeSmi(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-smi-"));
  writeFileSync(join(dir, "nvidia-smi"), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, "nvidia-smi"), 0o755);
  return `${dir}:/usr/bin:/bin`;
}

describe("discoverGpus", () => {
  it("reads index, UUID, name, memory and the device minor the driver gave each GPU", async () => {
    const proc = mkdtempSync(join(tmpdir(), "autoopt-proc-"));
    mkdirSync(join(proc, "0000:41:00.0"));
    writeFileSync(join(proc, "0000:41:00.0", "information"), "Model: H100\nDevice Minor: \t 5\n");
    const PATH = fakeSmi(`echo "0, GPU-aaa, NVIDIA H100 80GB HBM3, 81559, 00000000:41:00.0"
echo "1, GPU-bbb, NVIDIA H100 80GB HBM3, [N/A], 00000000:42:00.0"`);
    const { gpus, problem } = await discoverGpus({ PATH }, proc);
    expect(problem).toBeUndefined();
    expect(gpus).toEqual([
      { index: "0", uuid: "GPU-aaa", name: "NVIDIA H100 80GB HBM3", memoryMb: 81559, minor: 5 },
      { index: "1", uuid: "GPU-bbb", name: "NVIDIA H100 80GB HBM3", minor: 1 },
    ]);
    expect(gpuDevices(gpus)).toEqual([
      "/dev/nvidiactl",
      "/dev/nvidia-uvm",
      "/dev/nvidia-uvm-tools",
      "/dev/nvidia-modeset",
      "/dev/nvidia5",
      "/dev/nvidia1",
    ]);
  });

  it("kills an nvidia-smi that hangs and ignores SIGTERM, and says so", async () => {
    const PATH = fakeSmi(`trap "" TERM; sleep 30`);
    const started = performance.now();
    const { gpus, problem } = await discoverGpus({ PATH }, "/nonexistent", 500);
    expect((performance.now() - started) / 1000).toBeLessThan(5);
    expect(gpus).toEqual([]);
    expect(problem).toBe("nvidia-smi failed: did not answer within 0.5s");
  });

  it("finds no GPU, and no problem, where nvidia-smi is not installed", async () => {
    expect(await discoverGpus({ PATH: "/nonexistent" })).toEqual({ gpus: [] });
  });
});
