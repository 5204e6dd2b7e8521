import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Gpu } from "../core/index.ts";
import { runNvidiaSmi } from "../runner/nvidia-smi.ts";

const QUERY = "--query-gpu=index,uuid,name,memory.total,pci.bus_id";

/**
 * The machine's NVIDIA GPUs from nvidia-smi; none when it is not installed. An nvidia-smi that
 * hangs is killed outright (SIGKILL: a wedged driver can ignore SIGTERM) and reported.
 */
export async function discoverGpus(
  env: Readonly<Record<string, string | undefined>>,
  procRoot = "/proc/driver/nvidia/gpus",
  timeoutMs = 10_000,
): Promise<{ gpus: Gpu[]; problem?: string }> {
  const out = await runNvidiaSmi([QUERY, "--format=csv,noheader,nounits"], env, timeoutMs);
  switch (out.kind) {
    case "missing":
      return { gpus: [] };
    case "answered":
      return { gpus: parseGpuList(out.stdout, (bus) => minorOf(procRoot, bus)) };
    case "hung":
      return { gpus: [], problem: `nvidia-smi failed: did not answer within ${timeoutMs / 1000}s` };
    case "unstartable":
      return { gpus: [], problem: `nvidia-smi failed: ${out.message}` };
    case "failed":
      return {
        gpus: [],
        problem: `nvidia-smi failed: it ${out.ended}${out.said ? `: ${out.said}` : ""}`,
      };
  }
}

/** Parses the query's `index, uuid, name, MiB, bus` lines. */
export function parseGpuList(text: string, minor: (bus: string) => number | undefined): Gpu[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(",").map((part) => part.trim()))
    .filter((parts) => parts.length >= 5 && /^\d+$/.test(parts[0] ?? ""))
    .map(([index = "", uuid = "", name = "", memory = "", bus = ""]) => ({
      index,
      uuid,
      name,
      ...(/^\d+$/.test(memory) ? { memoryMb: Number(memory) } : {}),
      minor: minor(bus) ?? Number(index),
    }));
}

/** The device minor the driver gave a GPU; nvidia-smi's index is not always it. */
function minorOf(procRoot: string, bus: string): number | undefined {
  // nvidia-smi writes the PCI domain with 8 digits, /proc with 4.
  const dir = bus.toLowerCase().replace(/^0000(?=[0-9a-f]{4}:)/, "");
  try {
    const info = readFileSync(join(procRoot, dir, "information"), "utf8");
    const match = /Device Minor:\s*(\d+)/.exec(info);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The device nodes a run on `gpus` needs: the driver's shared nodes and one per GPU. */
export function gpuDevices(gpus: readonly Gpu[], devDir = "/dev"): string[] {
  if (gpus.length === 0) return [];
  const shared = ["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"];
  return [...shared, ...gpus.map((g) => `nvidia${g.minor}`)].map((name) => join(devDir, name));
}
