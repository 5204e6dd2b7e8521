/** One GPU of the machine, as nvidia-smi names it. */
export interface Gpu {
  index: string;
  uuid: string;
  name: string;
  memoryMb?: number;
  /** The minor number of its device node, `/dev/nvidia<minor>`. */
  minor: number;
}

/**
 * Hands each experiment in flight GPUs of its own. With fewer free GPUs than an experiment
 * needs, `take` answers undefined (the caller waits), unless sharing is allowed: then the least
 * used ones are shared. No I/O: the caller discovers the GPUs and binds the devices.
 */
export class GpuSlots {
  readonly #gpus: readonly Gpu[];
  readonly #perExperiment: number;
  readonly #share: boolean;
  readonly #users = new Map<string, number>();

  constructor(gpus: readonly Gpu[], perExperiment: number, share: boolean) {
    this.#gpus = gpus;
    this.#perExperiment = Math.min(perExperiment, gpus.length);
    this.#share = share;
  }

  take(): Gpu[] | undefined {
    if (this.#gpus.length === 0) return [];
    const byUse = [...this.#gpus].sort((a, b) => this.#use(a) - this.#use(b));
    const free = byUse.filter((g) => this.#use(g) === 0);
    const chosen = free.length >= this.#perExperiment ? free : this.#share ? byUse : undefined;
    const taken = chosen?.slice(0, this.#perExperiment);
    for (const gpu of taken ?? []) this.#users.set(gpu.uuid, this.#use(gpu) + 1);
    return taken;
  }

  give(gpus: readonly Gpu[]): void {
    for (const gpu of gpus) this.#users.set(gpu.uuid, Math.max(0, this.#use(gpu) - 1));
  }

  #use(gpu: Gpu): number {
    return this.#users.get(gpu.uuid) ?? 0;
  }
}

/** What a run gets to see of its GPUs: the variables CUDA reads, in PCI order by UUID. */
export function gpuEnv(gpus: readonly Gpu[]): Record<string, string> {
  if (gpus.length === 0) return {};
  const uuids = gpus.map((g) => g.uuid).join(",");
  return {
    CUDA_DEVICE_ORDER: "PCI_BUS_ID",
    CUDA_VISIBLE_DEVICES: uuids,
    NVIDIA_VISIBLE_DEVICES: uuids,
  };
}

/** The runner identity's GPU: `NVIDIA H100` or `2 × NVIDIA H100`. */
export function gpuLabel(gpus: readonly Gpu[]): { gpu?: string; gpu_memory_mb?: number } {
  const first = gpus[0];
  if (!first) return {};
  const gpu = gpus.length > 1 ? `${gpus.length} × ${first.name}` : first.name;
  return first.memoryMb === undefined ? { gpu } : { gpu, gpu_memory_mb: first.memoryMb };
}
