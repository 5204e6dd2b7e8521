import { describe, expect, it } from "vitest";
import { type Gpu, GpuSlots, gpuEnv, gpuLabel } from "../../src/core/index.ts";

const gpu = (i: number): Gpu => ({
  index: String(i),
  uuid: `GPU-${i}`,
  name: "H100",
  memoryMb: 81559,
  minor: i,
});

describe("GpuSlots", () => {
  it("hands out disjoint GPUs and none when all are taken", () => {
    const slots = new GpuSlots([gpu(0), gpu(1), gpu(2), gpu(3)], 2, false);
    const a = slots.take();
    const b = slots.take();
    expect(a?.map((g) => g.index)).toHaveLength(2);
    expect(new Set([...(a ?? []), ...(b ?? [])].map((g) => g.uuid)).size).toBe(4);
    expect(slots.take()).toBeUndefined();
    slots.give(a ?? []);
    expect(
      slots
        .take()
        ?.map((g) => g.uuid)
        .sort(),
    ).toEqual(a?.map((g) => g.uuid).sort());
  });

  it("shares the least used GPUs only when the config allows it", () => {
    const slots = new GpuSlots([gpu(0), gpu(1)], 1, true);
    const taken = [slots.take(), slots.take(), slots.take()].map((g) => g?.[0]?.uuid);
    expect(taken.slice(0, 2).sort()).toEqual(["GPU-0", "GPU-1"]);
    expect(["GPU-0", "GPU-1"]).toContain(taken[2]);
  });

  it("gives no GPU, and never waits, on a machine without one", () => {
    const slots = new GpuSlots([], 1, false);
    expect(slots.take()).toEqual([]);
    expect(slots.take()).toEqual([]);
  });
});

describe("gpuEnv and gpuLabel", () => {
  it("name the GPUs by UUID in PCI order, and as the runner identity", () => {
    expect(gpuEnv([gpu(2), gpu(3)])).toEqual({
      CUDA_DEVICE_ORDER: "PCI_BUS_ID",
      CUDA_VISIBLE_DEVICES: "GPU-2,GPU-3",
      NVIDIA_VISIBLE_DEVICES: "GPU-2,GPU-3",
    });
    expect(gpuEnv([])).toEqual({});
    expect(gpuLabel([gpu(0), gpu(1)])).toEqual({ gpu: "2 × H100", gpu_memory_mb: 81559 });
  });
});
