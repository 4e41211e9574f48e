import { galleryMapOf, queryMapOf } from "../scoring/scoring-index";
import type { AnalysisImageRequest, AnalysisViewer } from "./analysis-options";
import { SHOWN_ENTRIES, type PreparedAnalysis } from "./prepare-visual-analysis";

// The image rule of the visual analysis, the same as the page's: organizers may see any query or gallery image of
// the dataset version; a team only the images of its public queries and of the gallery files its own top 10 lists
// for them — and no gallery image at all when the gallery is hidden (model-only competitions).

/** Per gallery id: 1 when the top 10 of some public evaluated query lists it. Memoised per split. */
export function galleryIdsShownTo(prepared: PreparedAnalysis, isPublic: Uint8Array): Uint8Array {
  let shown = prepared.publicGallery.get(isPublic);
  if (shown) return shown;
  const { index } = prepared;
  shown = new Uint8Array(index.galleryNames.length);
  for (let q = 0; q < index.queryCount; q++) {
    const slot = index.evaluatedSlot[q]!;
    if (slot < 0 || isPublic[slot] !== 1) continue;
    for (let j = 0; j < SHOWN_ENTRIES; j++) {
      const id = prepared.lists[q * SHOWN_ENTRIES + j]!;
      if (id === -1) break;
      if (id < shown.length) shown[id] = 1;
    }
  }
  prepared.publicGallery.set(isPublic, shown);
  return shown;
}

export function imageVisibleTo(prepared: PreparedAnalysis, isPublic: Uint8Array, viewer: AnalysisViewer, image: AnalysisImageRequest, options: { galleryHidden: boolean }): boolean {
  const { index } = prepared;
  if (image.set === "query") {
    const q = queryMapOf(index).get(image.name);
    if (q === undefined) return false;
    if (viewer === "organizer") return true;
    const slot = index.evaluatedSlot[q]!;
    return slot >= 0 && isPublic[slot] === 1;
  }
  const id = galleryMapOf(index).get(image.name);
  if (id === undefined || !index.galleryKnown) return false;
  if (viewer === "organizer") return true;
  return !options.galleryHidden && galleryIdsShownTo(prepared, isPublic)[id] === 1;
}
