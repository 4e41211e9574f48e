import type { FailureCategory, FailurePhase } from "./failure-vocabulary";
import type { ModelManifest } from "./manifest";

// Messages between the worker and the child process that runs a participant's model (model-sandbox.ts,
// sandbox-child.ts). The child is disposable: killed beyond its memory cap or time limit, it takes nothing down.

export interface ImageSet {
  /** Folder holding the images. */
  dir: string;
  names: string[];
  /** The set's decoded pixels (pixel-cache.ts), built by the worker before the run; null: decode the files. */
  pixelCache?: string | null;
}

export type SandboxTask =
  | { kind: "dry-run"; modelPath: string; manifest: ModelManifest }
  | {
      kind: "embed-and-rank";
      modelPath: string;
      manifest: ModelManifest;
      providers: string[];
      queries: ImageSet;
      gallery: ImageSet;
      /** Folder for cached decoded pixels of this dataset version; null disables the cache. */
      cacheDir: string | null;
      /** Where the generated results file (query → top k gallery names, JSON) is written. */
      outputPath: string;
      k: number;
      memoryBudgetBytes: number;
    };

export type SandboxPhase = "loading model" | "embedding queries" | "embedding gallery" | "ranking" | "writing results";

export interface SandboxProgress {
  phase: SandboxPhase;
  done: number;
  total: number;
}

export interface DryRunResult {
  kind: "dry-run";
  dimension: number;
  /** Inference time of the dry run per generated image. */
  msPerImage: number;
}

export interface EmbedAndRankResult {
  kind: "embed-and-rank";
  dimension: number;
  provider: string;
  fallbackReason: string | null;
  timings: { queries: { decodeMs: number; inferenceMs: number; cacheHit: boolean }; gallery: { decodeMs: number; inferenceMs: number; cacheHit: boolean }; rankMs: number };
}

export type SandboxResult = DryRunResult | EmbedAndRankResult;

export type SandboxMessage =
  | { type: "progress"; progress: SandboxProgress }
  | { type: "result"; result: SandboxResult }
  /** model: the participant's model is at fault; platform: ours. */
  | { type: "error"; fault: "model"; message: string; category: FailureCategory; phase: FailurePhase }
  | { type: "error"; fault: "platform"; message: string };
