/** The GPU part of a runner's identity. */
export interface GpuInfo {
  gpu: string;
  gpu_memory_mb?: number;
}

/**
 * Reads `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits`: one
 * `name, MiB` line per GPU (`NVIDIA H100 80GB HBM3, 81559`). Several identical GPUs read as
 * `4 × NVIDIA H100 80GB HBM3`; the memory is that of the first GPU, what one device offers.
 * Unified-memory parts print `[N/A]` for the memory, which then stays unset.
 */
export function parseNvidiaSmi(text: string): GpuInfo | undefined {
  const gpus = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map(parseLine);
  const first = gpus[0];
  if (!first) return undefined;
  const names = gpus.map((g) => g.name);
  const same = names.every((name) => name === first.name);
  const gpu = same
    ? gpus.length > 1
      ? `${gpus.length} × ${first.name}`
      : first.name
    : names.join(" + ");
  return first.memoryMb === undefined ? { gpu } : { gpu, gpu_memory_mb: first.memoryMb };
}

function parseLine(line: string): { name: string; memoryMb?: number } {
  const comma = line.lastIndexOf(",");
  if (comma < 0) return { name: line };
  const name = line.slice(0, comma).trim();
  const memory = line.slice(comma + 1).trim();
  return /^\d+(\.\d+)?$/.test(memory) ? { name, memoryMb: Number(memory) } : { name };
}
