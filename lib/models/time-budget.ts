// A model job's wall-clock budget, from the speed its dry run measured at upload. A model that is fast on the dry
// run's generated images and hangs on the hidden ones (a Loop whose trip count comes from the pixels) then holds a
// worker for a few times its honest running time, not for the full model timeout.

export interface TimeBudgetSettings {
  /** Multiple of the dry run's inference time per image. */
  factor: number;
  /** The least budget: loading the model, decoding images and ranking are not in the dry run's time. */
  floorSeconds: number;
  /** The most: PODIUM_MODEL_TIMEOUT_SECONDS. */
  maxSeconds: number;
}

/** max(floor, factor × msPerImage × images / 1000), capped at the maximum; whole seconds. */
export function jobTimeBudgetSeconds(msPerImage: number, images: number, settings: TimeBudgetSettings): number {
  const scaled = Math.ceil((settings.factor * msPerImage * images) / 1000);
  return Math.min(settings.maxSeconds, Math.max(settings.floorSeconds, Number.isFinite(scaled) ? scaled : settings.maxSeconds));
}
