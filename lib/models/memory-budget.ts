// A model job's memory cap, from the model's size: onnxruntime holds the weights once (twice while it optimises the
// graph) plus its arena of activations, so a 1.2 GB fp32 tower needs several times a 30 MB MobileNet's memory. A fixed
// cap either kills the large model mid-run or lets a small one take far more than it should.

export interface MemoryBudgetSettings {
  /** The least any model gets (PODIUM_MODEL_MEMORY_MB): runtime, images in flight, a small model's arena. */
  floorBytes: number;
  /** Multiple of the model's file size (PODIUM_MODEL_MEMORY_FACTOR). */
  factor: number;
  /** The most a model job may be given: what the platform's scoring workers have (PODIUM_MODEL_MEMORY_MAX_MB). */
  maxBytes: number;
}

/** max(floor, factor × model bytes), whole MiB; null when even that is beyond the largest worker. */
export function modelMemoryCapBytes(modelBytes: number, settings: MemoryBudgetSettings): number | null {
  const mib = 1024 * 1024;
  const needed = Math.ceil(Math.max(settings.floorBytes, settings.factor * modelBytes) / mib) * mib;
  return needed > settings.maxBytes ? null : needed;
}

export function formatMemory(bytes: number | bigint): string {
  const value = Number(bytes);
  return value >= 1024 ** 3 ? `${(value / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(value / 1024 ** 2)} MiB`;
}
