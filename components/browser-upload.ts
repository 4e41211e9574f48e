// Browser side of uploads straight to storage (dataset archives, models): presigned parts PUT with progress events,
// each retried; the upload's state is kept in localStorage, so choosing the same file again after a dropped
// connection resumes it.

export async function postJson<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json", "x-podium-client": "web" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(data?.error?.message ?? `the server answered ${response.status}`), { status: response.status, body: data });
  return data as T;
}

/** PUTs one part with progress events; resolves with its ETag. */
function putPart(url: string, blob: Blob, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve(request.getResponseHeader("etag") ?? "") : reject(new Error(`storage answered ${request.status}`)));
    request.onerror = () => reject(new Error("the connection dropped"));
    request.send(blob);
  });
}

export interface StartedUpload {
  id: string;
  uploadId: string;
  partSize: number;
  partCount: number;
  extra?: Record<string, unknown>;
}

interface SavedUpload extends StartedUpload {
  etags: Record<number, string>;
}

/** Sends `file` in parts; returns the upload and its parts for the caller's own "complete" request. */
export async function uploadFileInParts(options: {
  file: File;
  /** Distinguishes uploads of the same file to different places. */
  scope: string;
  start: () => Promise<StartedUpload>;
  partsUrl: (id: string) => string;
  onProgress: (fraction: number) => void;
}): Promise<{ upload: StartedUpload; parts: { partNumber: number; etag: string }[]; forget: () => void }> {
  const { file } = options;
  const storageKey = `podium-upload:${options.scope}:${file.name}:${file.size}:${file.lastModified}`;
  let saved: SavedUpload | null = JSON.parse(localStorage.getItem(storageKey) ?? "null");
  if (saved) {
    const still = await postJson(options.partsUrl(saved.id), { uploadId: saved.uploadId, partNumbers: [1] }).then(
      () => true,
      () => false,
    );
    if (!still) saved = null;
  }
  if (!saved) saved = { ...(await options.start()), etags: {} };
  const state = saved;
  localStorage.setItem(storageKey, JSON.stringify(state));
  const done = new Map<number, number>();
  for (const part of Object.keys(state.etags)) done.set(Number(part), Math.min(state.partSize, file.size - (Number(part) - 1) * state.partSize));
  const report = () => options.onProgress(file.size === 0 ? 1 : [...done.values()].reduce((sum, value) => sum + value, 0) / file.size);
  report();
  for (let partNumber = 1; partNumber <= state.partCount; partNumber++) {
    if (state.etags[partNumber]) continue;
    const blob = file.slice((partNumber - 1) * state.partSize, partNumber * state.partSize);
    for (let attempt = 1; ; attempt++) {
      try {
        const { parts } = await postJson<{ parts: { url: string }[] }>(options.partsUrl(state.id), { uploadId: state.uploadId, partNumbers: [partNumber] });
        state.etags[partNumber] = await putPart(parts[0]!.url, blob, (loaded) => {
          done.set(partNumber, loaded);
          report();
        });
        done.set(partNumber, blob.size);
        report();
        localStorage.setItem(storageKey, JSON.stringify(state));
        break;
      } catch (partError) {
        if (attempt >= 4) throw partError;
        await new Promise((wake) => setTimeout(wake, 1000 * attempt));
      }
    }
  }
  return {
    upload: state,
    parts: Object.entries(state.etags).map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag })),
    forget: () => localStorage.removeItem(storageKey),
  };
}
