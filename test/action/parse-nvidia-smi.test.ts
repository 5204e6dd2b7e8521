import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

  it("reports an nvidia-smi that fails instead of throwing", async () => {
    const bin = fakeSmi(
      "broken",
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."; exit 9',
    );
    const query = await queryGpu({ PATH: bin });
    expect(query.ok).toBe(false);
    expect(query.ok ? "" : query.reason).toContain("nvidia-smi failed");
  });
});
