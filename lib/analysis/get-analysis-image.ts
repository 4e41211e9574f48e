import { datasetFileKey } from "../datasets/dataset-versions";
import sharp from "sharp";
import type { Actor } from "../auth/actor";
import type { PodiumPrisma } from "../db/open-database";
import { AppError, isAppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import type { AnalysisImageRequest } from "./analysis-options";
import { imageVisibleTo } from "./image-visible-to";
import { loadAnalysisContext } from "./load-analysis-context";

// A thumbnail of a query or gallery image for the visual analysis, after the same check as the page
// (image-visible-to.ts). Thumbnails are made once per dataset version and kept beside its files.

const THUMBNAIL_PIXELS = 192;

export interface AnalysisImage {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif", ".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff" };

async function getOrNull(store: BlobStore, key: string): Promise<Buffer | null> {
  try {
    return await store.get(key);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

export async function getAnalysisImage(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, id: string, image: AnalysisImageRequest): Promise<AnalysisImage> {
  const context = await loadAnalysisContext(prisma, store, actor, slug, id);
  // One answer for "private", "not in your top 10" and "no such file": a refusal must not tell them apart.
  const refused = new AppError("NOT_FOUND", `no ${image.set} image ${JSON.stringify(image.name)} in the analysis of submission ${id}`);
  if (!context.state.available || !context.version?.contentPrefix) throw refused;
  if (!imageVisibleTo(context.state.prepared, context.state.isPublic, context.viewer, image, { galleryHidden: context.galleryHidden })) throw refused;

  const prefix = context.version.contentPrefix;
  const thumbnailKey = `${datasetFileKey(`${prefix.replace(/\/files$/, "")}/thumbnails`, `${image.set}/${image.name}`)}.webp`;
  const cached = await getOrNull(store, thumbnailKey);
  if (cached) return { body: cached, contentType: "image/webp" };
  const original = await store.get(datasetFileKey(prefix, `${image.set}/${image.name}`));
  let thumbnail: Buffer;
  try {
    thumbnail = await sharp(original, { limitInputPixels: 100_000_000 }).rotate().resize(THUMBNAIL_PIXELS, THUMBNAIL_PIXELS, { fit: "inside", withoutEnlargement: true }).webp({ quality: 72 }).toBuffer();
  } catch {
    // Validation decoded every image, so this is unexpected; the original still shows.
    return { body: original, contentType: CONTENT_TYPES[image.name.slice(image.name.lastIndexOf(".")).toLowerCase()] ?? "application/octet-stream" };
  }
  await store.put(thumbnailKey, thumbnail, { contentType: "image/webp" }).catch(() => {});
  return { body: thumbnail, contentType: "image/webp" };
}
