// Multipart uploads straight to storage (datasets, models): parts of at least 8 MiB, at most 9,000 of them, so
// uploads up to ~70 GiB fit under S3's limit of 10,000 parts.
const MIN_PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 9000;

export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS / (1024 * 1024)) * 1024 * 1024);
}
