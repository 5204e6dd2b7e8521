import { describe, expect, it } from "vitest";
import { expectsGpu } from "../../src/action/expects-gpu.ts";
import { loadConfig } from "../../src/config/index.ts";

function config(sandbox = ""): ReturnType<typeof loadConfig> {
  return loadConfig(`version: 1
editable: [train.py]
run: { command: python3 train.py }
metric: { name: val_bpb, goal: minimize }
${sandbox}`);
}

describe("expectsGpu", () => {
  it("reads a label with gpu as a word as a runner meant for a GPU", () => {
    for (const label of ["gpu", "GPU", "gpu-h100", "autoopt-gpu", "linux_gpus"]) {
      expect(expectsGpu(config(), ["self-hosted", label])).toBe(
        `its runner label \`${label}\` says it has a GPU`,
      );
    }
    for (const labels of [["self-hosted", "Linux", "X64"], ["gpubox"], ["nogpu"], []]) {
      expect(expectsGpu(config(), labels)).toBeUndefined();
    }
  });

  it("expects a GPU where the config lists GPUs, and none where it says none", () => {
    expect(expectsGpu(config("sandbox: { gpus: ['0', '1'] }"), [])).toBe(
      "the config's sandbox.gpus lists GPU 0, 1",
    );
    expect(expectsGpu(config("sandbox: { gpus: none }"), ["gpu"])).toBeUndefined();
  });
});
