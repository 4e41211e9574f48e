import * as ort from "onnxruntime-node";

// The provider path: sessions are created with the configured providers in order (CUDA first on GPU images). The
// npm package ships only the CPU provider; where CUDA's provider libraries are missing, creating a CUDA session
// fails, and the session is created again on the CPU alone — the provider actually used is recorded.

export interface CreatedSession {
  session: ort.InferenceSession;
  provider: string;
  /** Why a preferred provider was skipped (shown to organizers). */
  fallbackReason: string | null;
}

export async function createSessionWithFallback(model: Uint8Array | string, providers: string[], options: { intraOpNumThreads?: number } = {}): Promise<CreatedSession> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    logSeverityLevel: 4,
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    // onnxruntime's pool threads spin between operators by default; in the worker they share the cores with image
    // decoding, and the spinning took CPU the decoders needed (bench:worker: cold 7.9 instead of 10.5 ms CPU per image,
    // bare session.run no slower).
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
  const wanted = providers.length > 0 ? providers : ["cpu"];
  let fallbackReason: string | null = null;
  for (let first = 0; first < wanted.length; first++) {
    const chain = wanted.slice(first);
    try {
      const session = typeof model === "string" ? await ort.InferenceSession.create(model, { ...base, executionProviders: chain }) : await ort.InferenceSession.create(model, { ...base, executionProviders: chain });
      return { session, provider: chain[0]!, fallbackReason };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Only a provider that cannot load is skipped; a model the CPU cannot load either is the model's fault.
      if (chain[0] === "cpu" || !/shared library|providers?_shared|not (found|available|supported)|Failed to load/i.test(message)) throw error;
      fallbackReason = `${chain[0]} provider unavailable (${message.split("\n")[0]!.slice(0, 200)})`;
    }
  }
  throw new Error("no execution provider could create the session");
}
