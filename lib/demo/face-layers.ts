import { mix, scaleColour, type Rgb } from "./colour";
import type { FaceIdentity } from "./face-identity";

// The geometry of a face, shared by every rendering style: an identity (plus what changes from picture to picture)
// becomes an ordered list of SVG paths on a 100×100 canvas. Styles only decide how each layer is painted.

export const CANVAS = 100;
const CENTRE_X = 50;
const CENTRE_Y = 46;

export type FacePart =
  | "hairBack"
  | "neck"
  | "shirt"
  | "ear"
  | "earring"
  | "head"
  | "beard"
  | "hair"
  | "eyeWhite"
  | "iris"
  | "pupil"
  | "brow"
  | "nose"
  | "mouth"
  | "glasses";

export interface FaceLayer {
  part: FacePart;
  /** SVG path data in canvas units. */
  d: string;
  colour: Rgb;
  /** Drawn as a stroke of this width instead of a fill. */
  line?: number;
}

/** What differs between two pictures of the same person. */
export interface FaceVariation {
  /** Added to the mouth's curve (expression). */
  smile: number;
  /** Multiplies the eye opening. */
  eyeOpening: number;
  /** Horizontal offset of the irises. */
  gaze: number;
  /** Clothes change from picture to picture, so they are not part of the identity. */
  shirt: Rgb;
  /** Multiplies eye size: illustrators exaggerate eyes. */
  eyeScale: number;
}

const f = (value: number) => Number(value.toFixed(2));

export function ellipsePath(cx: number, cy: number, rx: number, ry: number): string {
  return `M${f(cx - rx)} ${f(cy)}A${f(rx)} ${f(ry)} 0 1 0 ${f(cx + rx)} ${f(cy)}A${f(rx)} ${f(ry)} 0 1 0 ${f(cx - rx)} ${f(cy)}Z`;
}

function linePath(points: [number, number][]): string {
  return points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${f(x)} ${f(y)}`).join("");
}

/** The face's landmarks, computed once and used by several parts. */
interface Landmarks {
  w: number;
  h: number;
  eyeY: number;
  mouthY: number;
  chinY: number;
}

function landmarksOf(identity: FaceIdentity): Landmarks {
  const { halfWidth: w, halfHeight: h } = identity.face;
  const eyeY = CENTRE_Y - h * 0.12 + identity.eyes.height;
  const chinY = CENTRE_Y + h;
  const noseTip = eyeY + identity.nose.length;
  return { w, h, eyeY, chinY, mouthY: noseTip + (chinY - noseTip) * 0.42 };
}

/** Head outline: a half ellipse on top, two curves down to the chin whose control points set the jaw. */
function headPath(identity: FaceIdentity, grow = 0): string {
  const w = identity.face.halfWidth + grow;
  const h = identity.face.halfHeight + grow;
  const { jaw } = identity.face;
  const cheekY = CENTRE_Y + h * (0.35 + 0.45 * jaw);
  const chinX = w * (0.3 + 0.4 * jaw);
  const x0 = CENTRE_X - w;
  const x1 = CENTRE_X + w;
  return `M${f(x0)} ${f(CENTRE_Y)}A${f(w)} ${f(h)} 0 0 1 ${f(x1)} ${f(CENTRE_Y)}C${f(x1)} ${f(cheekY)} ${f(CENTRE_X + chinX)} ${f(CENTRE_Y + h)} ${f(CENTRE_X)} ${f(CENTRE_Y + h)}C${f(CENTRE_X - chinX)} ${f(CENTRE_Y + h)} ${f(x0)} ${f(cheekY)} ${f(x0)} ${f(CENTRE_Y)}Z`;
}

/** Hair over the top of the head, down to `sideY` at the temples, with a hairline at `hairlineY`. */
function hairCapPath(identity: FaceIdentity, sideY: number, hairlineY: number): string {
  const { halfWidth: w, halfHeight: h } = identity.face;
  const { volume, parting } = identity.hair;
  const outerW = w + volume * 0.6;
  const outerH = h + volume;
  const partX = CENTRE_X + parting * w * 0.35;
  const topLeft = `M${f(CENTRE_X - outerW)} ${f(sideY)}L${f(CENTRE_X - outerW)} ${f(CENTRE_Y)}A${f(outerW)} ${f(outerH)} 0 0 1 ${f(CENTRE_X + outerW)} ${f(CENTRE_Y)}L${f(CENTRE_X + outerW)} ${f(sideY)}`;
  const hairline = `L${f(CENTRE_X + w - 1)} ${f(sideY)}Q${f(CENTRE_X + w - 1)} ${f(hairlineY)} ${f(partX)} ${f(hairlineY)}Q${f(CENTRE_X - w + 1)} ${f(hairlineY)} ${f(CENTRE_X - w + 1)} ${f(sideY)}Z`;
  return topLeft + hairline;
}

/** Hair hanging behind the head and shoulders, down to `bottomY`. */
function hairBackPath(identity: FaceIdentity, bottomY: number): string {
  const { halfWidth: w, halfHeight: h } = identity.face;
  const outerW = w + identity.hair.volume + 2;
  const outerH = h + identity.hair.volume;
  return `M${f(CENTRE_X - outerW)} ${f(bottomY)}L${f(CENTRE_X - outerW)} ${f(CENTRE_Y)}A${f(outerW)} ${f(outerH)} 0 0 1 ${f(CENTRE_X + outerW)} ${f(CENTRE_Y)}L${f(CENTRE_X + outerW)} ${f(bottomY)}Z`;
}

function hairLayers(identity: FaceIdentity): { back: string[]; front: string[] } {
  const { halfWidth: w, halfHeight: h } = identity.face;
  const { style, volume } = identity.hair;
  const top = CENTRE_Y - h - volume;
  switch (style) {
    case "short":
      return { back: [], front: [hairCapPath(identity, CENTRE_Y - h * 0.15, CENTRE_Y - h * 0.55)] };
    case "long":
      return { back: [hairBackPath(identity, CENTRE_Y + h + 14)], front: [hairCapPath(identity, CENTRE_Y + h * 0.3, CENTRE_Y - h * 0.55)] };
    case "bob":
      return { back: [hairBackPath(identity, CENTRE_Y + h * 0.45)], front: [hairCapPath(identity, CENTRE_Y + h * 0.2, CENTRE_Y - h * 0.42)] };
    case "bun": {
      const radius = 5 + volume * 0.6;
      return { back: [ellipsePath(CENTRE_X, top - radius * 0.6, radius, radius)], front: [hairCapPath(identity, CENTRE_Y - h * 0.1, CENTRE_Y - h * 0.6)] };
    }
    case "curly": {
      // Curls on a ring around the crown; their count and size follow the identity, not chance.
      const curls: string[] = [];
      const count = 11;
      const radius = 3.2 + volume * 0.45;
      for (let i = 0; i < count; i++) {
        const angle = Math.PI * (1.05 + (0.9 * i) / (count - 1));
        curls.push(ellipsePath(CENTRE_X + Math.cos(angle) * (w + volume * 0.5), CENTRE_Y + Math.sin(angle) * (h + volume * 0.4), radius, radius));
      }
      return { back: curls, front: [hairCapPath(identity, CENTRE_Y - h * 0.05, CENTRE_Y - h * 0.5)] };
    }
    case "bald":
      // Only tufts above the ears.
      return { back: [], front: [ellipsePath(CENTRE_X - w + 0.5, CENTRE_Y - 2, 2.2, 5), ellipsePath(CENTRE_X + w - 0.5, CENTRE_Y - 2, 2.2, 5)] };
    case "spiky": {
      const spikes: [number, number][] = [];
      const count = 7;
      for (let i = 0; i <= count * 2; i++) {
        const angle = Math.PI * (1.1 + (0.8 * i) / (count * 2));
        const reach = i % 2 === 1 ? volume * 1.8 + 4 : volume * 0.5;
        spikes.push([CENTRE_X + Math.cos(angle) * (w + reach * 0.6), CENTRE_Y - h * 0.2 + Math.sin(angle) * (h * 0.8 + reach)]);
      }
      return { back: [], front: [`${linePath(spikes)}Z`, hairCapPath(identity, CENTRE_Y - h * 0.2, CENTRE_Y - h * 0.55)] };
    }
  }
}

function beardPath(identity: FaceIdentity, landmarks: Landmarks): string {
  const { w, h, mouthY } = landmarks;
  const { jaw } = identity.face;
  const grow = 1.2;
  const cheekY = CENTRE_Y + (h + grow) * (0.35 + 0.45 * jaw);
  const chinX = (w + grow) * (0.3 + 0.4 * jaw);
  const startY = CENTRE_Y + h * 0.2;
  const chinY = CENTRE_Y + h + grow + 2;
  return `M${f(CENTRE_X - w - grow)} ${f(startY)}C${f(CENTRE_X - w - grow)} ${f(cheekY)} ${f(CENTRE_X - chinX)} ${f(chinY)} ${f(CENTRE_X)} ${f(chinY)}C${f(CENTRE_X + chinX)} ${f(chinY)} ${f(CENTRE_X + w + grow)} ${f(cheekY)} ${f(CENTRE_X + w + grow)} ${f(startY)}L${f(CENTRE_X + w * 0.75)} ${f(startY + 2)}Q${f(CENTRE_X)} ${f(mouthY - 4)} ${f(CENTRE_X - w * 0.75)} ${f(startY + 2)}Z`;
}

/** The layers of one picture of `identity`, back to front. */
export function faceLayers(identity: FaceIdentity, variation: FaceVariation): FaceLayer[] {
  const landmarks = landmarksOf(identity);
  const { w, h, eyeY, mouthY } = landmarks;
  const { skin } = identity;
  const hair = hairLayers(identity);
  const hairColour = identity.hair.colour;
  const layers: FaceLayer[] = [];
  for (const d of hair.back) layers.push({ part: "hairBack", d, colour: hairColour });
  layers.push({ part: "neck", d: linePath([[CENTRE_X - w * 0.45, CENTRE_Y + h * 0.5], [CENTRE_X + w * 0.45, CENTRE_Y + h * 0.5], [CENTRE_X + w * 0.5, 92], [CENTRE_X - w * 0.5, 92]]) + "Z", colour: scaleColour(skin, 0.86) });
  const collarY = CENTRE_Y + h + 7;
  layers.push({
    part: "shirt",
    d: `M6 ${CANVAS + 1}C6 84 18 ${f(collarY + 3)} ${f(CENTRE_X - w * 0.55)} ${f(collarY)}Q${CENTRE_X} ${f(collarY + 7)} ${f(CENTRE_X + w * 0.55)} ${f(collarY)}C82 ${f(collarY + 3)} 94 84 94 ${CANVAS + 1}Z`,
    colour: variation.shirt,
  });
  for (const side of [-1, 1]) layers.push({ part: "ear", d: ellipsePath(CENTRE_X + side * w, CENTRE_Y + 1, 2.8, 5), colour: scaleColour(skin, 0.94) });
  if (identity.earrings) for (const side of [-1, 1]) layers.push({ part: "earring", d: ellipsePath(CENTRE_X + side * (w + 0.3), CENTRE_Y + 7.5, 1.5, 1.5), colour: identity.earrings });
  layers.push({ part: "head", d: headPath(identity), colour: skin });
  if (identity.beard === "full" || identity.beard === "stubble") {
    layers.push({ part: "beard", d: beardPath(identity, landmarks), colour: identity.beard === "full" ? hairColour : mix(skin, hairColour, 0.4) });
  }
  for (const d of hair.front) layers.push({ part: "hair", d, colour: hairColour });

  const { spacing, size, colour: eyeColour } = identity.eyes;
  const eyeSize = size * variation.eyeScale;
  for (const side of [-1, 1]) {
    const x = CENTRE_X + side * spacing;
    layers.push({ part: "eyeWhite", d: ellipsePath(x, eyeY, eyeSize * 1.3, eyeSize * 0.78 * variation.eyeOpening), colour: { r: 244, g: 242, b: 238 } });
    layers.push({ part: "iris", d: ellipsePath(x + variation.gaze, eyeY, eyeSize * 0.62, eyeSize * 0.62 * Math.min(1, variation.eyeOpening)), colour: eyeColour });
    layers.push({ part: "pupil", d: ellipsePath(x + variation.gaze, eyeY, eyeSize * 0.28, eyeSize * 0.28), colour: { r: 15, g: 12, b: 12 } });
    const browY = eyeY - eyeSize * 1.25 - 2;
    const rise = Math.tan((identity.brows.tilt * Math.PI) / 180) * eyeSize * 1.5;
    const inner = x - side * eyeSize * 1.5;
    const outer = x + side * eyeSize * 1.5;
    layers.push({ part: "brow", d: `M${f(inner)} ${f(browY)}Q${f(x)} ${f(browY - 1.2)} ${f(outer)} ${f(browY - rise)}`, colour: identity.brows.colour, line: identity.brows.thickness });
  }

  const { length, width } = identity.nose;
  const noseTip = eyeY + length;
  layers.push({ part: "nose", d: `M${f(CENTRE_X - 0.4)} ${f(eyeY + 2)}Q${f(CENTRE_X + 1.6)} ${f(noseTip - 1)} ${f(CENTRE_X + 0.3)} ${f(noseTip + 0.6)}M${f(CENTRE_X - width)} ${f(noseTip)}Q${f(CENTRE_X)} ${f(noseTip + 1.8)} ${f(CENTRE_X + width)} ${f(noseTip)}`, colour: scaleColour(skin, 0.7), line: 0.9 });
  const { halfWidth: mouthWidth, curve, lips } = identity.mouth;
  const bend = (curve + variation.smile) * 1.6;
  layers.push({ part: "mouth", d: `M${f(CENTRE_X - mouthWidth)} ${f(mouthY)}Q${f(CENTRE_X)} ${f(mouthY + bend)} ${f(CENTRE_X + mouthWidth)} ${f(mouthY)}`, colour: lips, line: 1.7 });
  if (identity.beard === "moustache") {
    layers.push({ part: "beard", d: `M${f(CENTRE_X - mouthWidth - 1)} ${f(mouthY - 0.5)}Q${f(CENTRE_X)} ${f(mouthY - 5)} ${f(CENTRE_X + mouthWidth + 1)} ${f(mouthY - 0.5)}`, colour: hairColour, line: 2.4 });
  }

  if (identity.glasses) {
    const radius = size * 1.9;
    const lenses = [-1, 1].map((side) => {
      const x = CENTRE_X + side * spacing;
      return identity.glasses!.style === "round" ? ellipsePath(x, eyeY, radius, radius * 0.9) : `${linePath([[x - radius, eyeY - radius * 0.75], [x + radius, eyeY - radius * 0.75], [x + radius, eyeY + radius * 0.75], [x - radius, eyeY + radius * 0.75]])}Z`;
    });
    const bridge = linePath([[CENTRE_X - spacing + radius, eyeY - 0.5], [CENTRE_X + spacing - radius, eyeY - 0.5]]);
    layers.push({ part: "glasses", d: lenses.join("") + bridge, colour: identity.glasses.frame, line: 1 });
  }
  return layers;
}
