import type { Settings } from "../config/env";
import { jobWakeUp, type JobWakeUp } from "../queue/wake-up";
import type { ModelCheckSettings } from "../submissions/submit-model";

/** The dry run's limits, the scoring job's time and memory budgets and the wake-up for it, from this process's settings. */
export function modelCheckSettings(config: Settings, wakeUp: JobWakeUp = jobWakeUp(config)): ModelCheckSettings {
  const { worker } = config;
  return {
    dryRun: { timeoutMs: worker.dryRunTimeoutMs, memoryLimitBytes: worker.modelMemoryBytes },
    wakeUp,
    timeBudget: { factor: worker.modelTimeFactor, floorSeconds: worker.modelTimeFloorSeconds, maxSeconds: worker.modelTimeoutMs / 1000 },
    memory: { floorBytes: worker.modelMemoryBytes, factor: worker.modelMemoryFactor, maxBytes: worker.modelMemoryMaxBytes },
  };
}
