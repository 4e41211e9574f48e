import sharp from "sharp";
import { fromHsl } from "./colour";
import { drawFaceIdentity, type FaceIdentity } from "./face-identity";
import { faceLayers, type FaceVariation } from "./face-layers";
import { addNoise, adjustLighting, posterize, toGrey, warpPixels } from "./pixel-effects";
import { cartoonSvg, drawPose, paintingSvg, photoSvg, sketchSvg, type RenderStyle } from "./render-face";
import { seededRandom, type SeededRandom } from "./seeded-random";

// Synthetic people for the demo contest (issue 6): seeded identities rendered as query "photos" and as stylized
// gallery portraits. Same seed, same bytes: every image draws from its own seed path.

export { GALLERY_STYLES, type GalleryStyle, type RenderStyle } from "./render-face";
export type { FaceIdentity } from "./face-identity";

export interface RenderOptions {
  /** Width and height in pixels. */
  size?: number;
  /** JPEG quality. */
  quality?: number;
}

export const DEFAULT_IMAGE_SIZE = 128;
export const DEFAULT_JPEG_QUALITY = 85;

/** The identity drawn from `seed` (e.g. `demo/identity/17`). */
export function createFaceIdentity(seed: string): FaceIdentity {
  return drawFaceIdentity(seededRandom(seed));
}

function drawVariation(random: SeededRandom, style: RenderStyle): FaceVariation {
  return {
    smile: random.between(-1, 1.5),
    eyeOpening: random.between(0.75, 1.1),
    gaze: random.between(-0.8, 0.8),
    shirt: fromHsl({ h: random.between(0, 360), s: random.between(0.1, 0.8), l: random.between(0.15, 0.8) }),
    eyeScale: style === "cartoon" ? 1.3 : 1,
  };
}

/** How each style draws its scene, and how far its framing strays from the centre (photos the most). */
const SCENES: Record<RenderStyle, { svg: typeof photoSvg; poseSpread: number }> = {
  photo: { svg: photoSvg, poseSpread: 1 },
  cartoon: { svg: cartoonSvg, poseSpread: 0.5 },
  sketch: { svg: sketchSvg, poseSpread: 0.6 },
  painting: { svg: paintingSvg, poseSpread: 0.7 },
};

/**
 * One JPEG of `identity` in `style`; `seed` decides everything that varies between pictures (pose, light,
 * background, expression, clothes, noise).
 */
export async function renderFace(identity: FaceIdentity, style: RenderStyle, seed: string, options: RenderOptions = {}): Promise<Buffer> {
  const size = options.size ?? DEFAULT_IMAGE_SIZE;
  const jpeg = { quality: options.quality ?? DEFAULT_JPEG_QUALITY };
  const random = seededRandom(seed);
  const layers = faceLayers(identity, drawVariation(random, style));
  const scene = SCENES[style];
  const svg = Buffer.from(scene.svg(layers, drawPose(random, scene.poseSpread), random, size));
  if (style === "cartoon") return sharp(svg).flatten().jpeg(jpeg).toBuffer();

  // The other styles finish in pixels.
  const { data, info } = await sharp(svg).flatten().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: 3 } as const;
  switch (style) {
    case "photo":
      // A camera: exposure and white balance vary, then sensor noise and a little softness.
      adjustLighting(data, random.between(0.75, 1.15), random.between(-0.07, 0.07));
      addNoise(data, random.between(3, 10), random);
      return sharp(data, { raw }).blur(random.between(0.4, 1.1)).jpeg(jpeg).toBuffer();
    case "sketch":
      toGrey(data);
      return sharp(data, { raw }).jpeg(jpeg).toBuffer();
    case "painting": {
      // Brush strokes push edges around and blotch the colours, then few colour levels.
      const warped = warpPixels(data, info.width, info.height, random.between(2, 4) * (size / 128), size / 16, random);
      const blotched = await sharp(warped, { raw }).median(3).raw().toBuffer();
      posterize(blotched, random.integer(6, 8));
      return sharp(blotched, { raw }).jpeg(jpeg).toBuffer();
    }
  }
}
