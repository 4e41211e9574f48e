import { fromHsl, hex, luma, restyleColour, scaleColour, type Rgb } from "./colour";
import { CANVAS, type FaceLayer, type FacePart } from "./face-layers";
import type { SeededRandom } from "./seeded-random";

// SVG documents of a face in each domain. The query domain ("photo") has smooth shading, directional light and a
// cluttered background; the gallery styles (cartoon, sketch, painting) share the geometry but none of its
// textures, so matching across domains takes more than comparing pixels — as in the contest Podium was built for.

export const GALLERY_STYLES = ["cartoon", "sketch", "painting"] as const;
export type GalleryStyle = (typeof GALLERY_STYLES)[number];
export type RenderStyle = "photo" | GalleryStyle;

/** Placement of the face in the frame (the sitter moved, or the artist framed it differently). */
export interface Pose {
  rotate: number;
  dx: number;
  dy: number;
  scale: number;
}

/** Round forms that a photo's light shades. */
const SHADED_PARTS: ReadonlySet<FacePart> = new Set(["hairBack", "neck", "ear", "head", "beard", "hair"]);
/** Shapes a cartoon's thick outline would swallow. */
const SMALL_PARTS: ReadonlySet<FacePart> = new Set(["eyeWhite", "iris", "pupil", "earring"]);
/** Parts mostly hidden behind others: a sketch's second pencil line would show through. */
const HIDDEN_PARTS: ReadonlySet<FacePart> = new Set(["hairBack", "neck", "ear"]);

export function drawPose(random: SeededRandom, spread: number): Pose {
  return { rotate: random.between(-8, 8) * spread, dx: random.between(-5, 5) * spread, dy: random.between(-4, 4) * spread, scale: 1 + random.between(-0.1, 0.1) * spread };
}

/** Pictures are framed like face crops: the head fills most of the frame, shoulders are cut off. */
const FRAMING_SCALE = 1.3;
/** Canvas units the face is lowered before scaling, so big hair stays inside the frame. */
const FRAMING_DROP = 4;

function poseTransform(pose: Pose): string {
  const c = CANVAS / 2;
  return `translate(${pose.dx.toFixed(2)} ${pose.dy.toFixed(2)}) rotate(${pose.rotate.toFixed(2)} ${c} ${c}) translate(${c} ${c}) scale(${(pose.scale * FRAMING_SCALE).toFixed(3)}) translate(${-c} ${-c + FRAMING_DROP})`;
}

function svgDocument(size: number, defs: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${CANVAS} ${CANVAS}"><defs>${defs}</defs>${body}</svg>`;
}

function lineAttributes(layer: FaceLayer, colour: string, widthFactor: number): string {
  return `fill="none" stroke="${colour}" stroke-width="${((layer.line ?? 1) * widthFactor).toFixed(2)}" stroke-linecap="round" stroke-linejoin="round"`;
}

/** Any colour at all: backgrounds deliberately include skin and hair tones so they cannot be filtered out by hue. */
function randomColour(random: SeededRandom, lightness: [number, number] = [0.15, 0.85]): Rgb {
  return fromHsl({ h: random.between(0, 360), s: random.between(0.05, 0.7), l: random.between(lightness[0], lightness[1]) });
}

/** Out-of-focus shapes behind the sitter. */
function clutter(random: SeededRandom, count: number): string {
  const shapes: string[] = [];
  for (let i = 0; i < count; i++) {
    const colour = hex(randomColour(random));
    const opacity = random.between(0.45, 0.95).toFixed(2);
    const x = random.between(-10, 95);
    const y = random.between(-10, 80);
    if (random.chance(0.5)) {
      shapes.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${random.between(8, 40).toFixed(1)}" height="${random.between(8, 60).toFixed(1)}" fill="${colour}" opacity="${opacity}"/>`);
    } else {
      shapes.push(`<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${random.between(4, 20).toFixed(1)}" ry="${random.between(4, 20).toFixed(1)}" fill="${colour}" opacity="${opacity}"/>`);
    }
  }
  return shapes.join("");
}

/** A photo: shaded skin and hair lit from one side, a blurred busy background, an overall light gradient. */
export function photoSvg(layers: FaceLayer[], pose: Pose, random: SeededRandom, size: number): string {
  const light = { x: random.between(-1, 1), y: random.between(-1, 0.3) };
  const defs: string[] = [];
  const body: string[] = [];
  const from = hex(randomColour(random));
  const to = hex(randomColour(random));
  defs.push(`<linearGradient id="bg" x1="0" y1="0" x2="${random.between(0, 1).toFixed(2)}" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient>`);
  defs.push(`<filter id="bokeh" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${random.between(0.6, 2).toFixed(2)}"/></filter>`);
  body.push(`<rect width="${CANVAS}" height="${CANVAS}" fill="url(#bg)"/><g filter="url(#bokeh)">${clutter(random, random.integer(4, 9))}</g>`);

  const gradientCentre = { cx: (50 + light.x * 25).toFixed(1), cy: (50 + light.y * 25).toFixed(1) };
  const face: string[] = [];
  layers.forEach((layer, i) => {
    if (layer.line !== undefined) {
      face.push(`<path d="${layer.d}" ${lineAttributes(layer, hex(layer.colour), 1)}/>`);
      return;
    }
    if (!SHADED_PARTS.has(layer.part)) {
      face.push(`<path d="${layer.d}" fill="${hex(layer.colour)}"/>`);
      return;
    }
    // Round forms lit from `light`: brighter towards it, shadowed at the far edge.
    defs.push(
      `<radialGradient id="s${i}" cx="${gradientCentre.cx}%" cy="${gradientCentre.cy}%" r="80%"><stop offset="0" stop-color="${hex(scaleColour(layer.colour, 1.18))}"/><stop offset="0.55" stop-color="${hex(layer.colour)}"/><stop offset="1" stop-color="${hex(scaleColour(layer.colour, 0.62))}"/></radialGradient>`,
    );
    face.push(`<path d="${layer.d}" fill="url(#s${i})"/>`);
  });
  body.push(`<g transform="${poseTransform(pose)}">${face.join("")}</g>`);

  // Directional light over the whole frame.
  const angle = Math.atan2(light.y, light.x);
  const [x1, y1, x2, y2] = [0.5 + Math.cos(angle) * 0.5, 0.5 + Math.sin(angle) * 0.5, 0.5 - Math.cos(angle) * 0.5, 0.5 - Math.sin(angle) * 0.5].map((v) => v.toFixed(2));
  const strength = random.between(0.05, 0.25).toFixed(2);
  defs.push(`<linearGradient id="light" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"><stop offset="0" stop-color="#fff8e8" stop-opacity="${strength}"/><stop offset="0.5" stop-color="#808080" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${strength}"/></linearGradient>`);
  body.push(`<rect width="${CANVAS}" height="${CANVAS}" fill="url(#light)"/>`);
  return svgDocument(size, defs.join(""), body.join(""));
}

/** A flat cartoon: saturated flat fills, thick dark outlines, a plain background with a halo. */
export function cartoonSvg(layers: FaceLayer[], pose: Pose, random: SeededRandom, size: number): string {
  const restyle = { hue: random.between(-6, 6), saturation: random.between(1.05, 1.3), lightness: random.between(0.95, 1.1) };
  const ink = "#1d1717";
  const background = randomColour(random, [0.55, 0.9]);
  const parts = layers.map((layer) => {
    const colour = hex(restyleColour(layer.colour, restyle));
    if (layer.line !== undefined) return `<path d="${layer.d}" ${lineAttributes(layer, layer.part === "mouth" || layer.part === "nose" ? ink : colour, 1.5)}/>`;
    const outline = SMALL_PARTS.has(layer.part) ? 0.7 : 1.6;
    return `<path d="${layer.d}" fill="${colour}" stroke="${ink}" stroke-width="${outline}" stroke-linejoin="round"/>`;
  });
  const body = `<rect width="${CANVAS}" height="${CANVAS}" fill="${hex(background)}"/><circle cx="50" cy="44" r="${random.between(30, 44).toFixed(1)}" fill="${hex(scaleColour(background, 1.15))}"/><g transform="${poseTransform(pose)}">${parts.join("")}</g>`;
  return svgDocument(size, "", body);
}

/**
 * A pencil sketch: outlines in graphite on paper, no colour. Hair, beard and irises are hatched, denser for darker
 * colours, and the shadow side of the face is hatched more densely on darker skin — all an artist keeps of colour.
 */
export function sketchSvg(layers: FaceLayer[], pose: Pose, random: SeededRandom, size: number): string {
  const paper = "#f2eee4";
  const graphite = (darkness: number) => hex({ r: 235 - darkness * 200, g: 235 - darkness * 200, b: 238 - darkness * 200 });
  const hatchAngle = random.between(25, 65);
  const defs: string[] = [];
  const hatch = (id: string, colour: Rgb, angle: number) => {
    const darkness = 1 - luma(colour) / 255;
    const spacing = (1.1 + (1 - darkness) * 3.2).toFixed(2);
    defs.push(`<pattern id="${id}" width="${spacing}" height="${spacing}" patternUnits="userSpaceOnUse" patternTransform="rotate(${angle.toFixed(1)})"><rect width="${spacing}" height="${spacing}" fill="${paper}"/><line x1="0" y1="0" x2="0" y2="${spacing}" stroke="${graphite(0.35 + darkness * 0.6)}" stroke-width="0.55"/></pattern>`);
    return `url(#${id})`;
  };
  const stroke = graphite(0.85);
  const wobble = { dx: random.between(-0.5, 0.5).toFixed(2), dy: random.between(-0.5, 0.5).toFixed(2) };
  const outlines: string[] = [];
  const parts = layers.map((layer, i) => {
    if (layer.line !== undefined) {
      outlines.push(`<path d="${layer.d}" ${lineAttributes(layer, stroke, 0.6)}/>`);
      return `<path d="${layer.d}" ${lineAttributes(layer, stroke, 0.7)}/>`;
    }
    const hatched = layer.part === "hair" || layer.part === "hairBack" || layer.part === "beard" || layer.part === "iris";
    const fill = hatched ? hatch(`h${i}`, layer.colour, layer.part === "iris" ? 90 : hatchAngle) : layer.part === "pupil" ? stroke : paper;
    if (!HIDDEN_PARTS.has(layer.part)) outlines.push(`<path d="${layer.d}" fill="none" stroke="${stroke}" stroke-width="0.45"/>`);
    const outline = `<path d="${layer.d}" fill="${fill}" stroke="${stroke}" stroke-width="0.75" stroke-linejoin="round"/>`;
    if (layer.part !== "head") return outline;
    // Shadow side of the face, clipped to the head.
    const side = random.chance(0.5) ? 0 : 50;
    defs.push(`<clipPath id="headClip"><path d="${layer.d}"/></clipPath>`);
    return `${outline}<rect x="${side}" y="0" width="50" height="${CANVAS}" fill="${hatch("shade", layer.colour, -hatchAngle)}" opacity="0.55" clip-path="url(#headClip)"/>`;
  });
  // A second, lighter pass slightly off the first: the sketchy double line of a pencil.
  const body = `<rect width="${CANVAS}" height="${CANVAS}" fill="${paper}"/><g transform="${poseTransform(pose)}">${parts.join("")}<g transform="translate(${wobble.dx} ${wobble.dy})" opacity="0.45">${outlines.join("")}</g></g>`;
  return svgDocument(size, defs.join(""), body);
}

/** A painting: every area re-mixed by the painter, no outlines (synthetic-faces.ts adds the brush work in pixels). */
export function paintingSvg(layers: FaceLayer[], pose: Pose, random: SeededRandom, size: number): string {
  const palette = { hue: random.between(-10, 10), saturation: random.between(0.85, 1.25), lightness: random.between(0.9, 1.1) };
  const from = hex(randomColour(random));
  const to = hex(randomColour(random));
  const defs = [
    `<linearGradient id="bg" x1="0" y1="0" x2="1" y2="${random.between(0, 1).toFixed(2)}"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient>`,
  ];
  const blotches: string[] = [];
  for (let i = 0, n = random.integer(3, 6); i < n; i++) {
    blotches.push(`<ellipse cx="${random.between(0, 100).toFixed(1)}" cy="${random.between(0, 100).toFixed(1)}" rx="${random.between(10, 30).toFixed(1)}" ry="${random.between(6, 20).toFixed(1)}" fill="${hex(randomColour(random))}" opacity="0.6"/>`);
  }
  const parts = layers.map((layer) => {
    // Each area mixed on the palette again: close to the sitter's colours, never exactly them.
    const colour = hex(restyleColour(layer.colour, { hue: palette.hue + random.between(-6, 6), saturation: palette.saturation * random.between(0.9, 1.1), lightness: palette.lightness * random.between(0.95, 1.05) }));
    if (layer.line !== undefined) return `<path d="${layer.d}" ${lineAttributes(layer, colour, 1.3)}/>`;
    return `<path d="${layer.d}" fill="${colour}"/>`;
  });
  const body = `<rect width="${CANVAS}" height="${CANVAS}" fill="url(#bg)"/>${blotches.join("")}<g transform="${poseTransform(pose)}">${parts.join("")}</g>`;
  return svgDocument(size, defs.join(""), body);
}
