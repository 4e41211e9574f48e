/** An sRGB colour with channels in 0..255 (not necessarily integers until written out). */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const clampByte = (value: number) => Math.min(255, Math.max(0, Math.round(value)));

export function rgb(r: number, g: number, b: number): Rgb {
  return { r, g, b };
}

/** `#rrggbb`, for SVG attributes. */
export function hex(colour: Rgb): string {
  return `#${[colour.r, colour.g, colour.b].map((channel) => clampByte(channel).toString(16).padStart(2, "0")).join("")}`;
}

/** Linear blend: t = 0 gives `from`, t = 1 gives `to`. */
export function mix(from: Rgb, to: Rgb, t: number): Rgb {
  return { r: from.r + (to.r - from.r) * t, g: from.g + (to.g - from.g) * t, b: from.b + (to.b - from.b) * t };
}

/** Multiplies every channel (darker below 1, lighter above). */
export function scaleColour(colour: Rgb, factor: number): Rgb {
  return { r: colour.r * factor, g: colour.g * factor, b: colour.b * factor };
}

/** Perceived lightness, 0..255 (Rec. 601 luma). */
export function luma(colour: Rgb): number {
  return 0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b;
}

/** Hue in degrees, saturation and lightness in 0..1. */
export interface Hsl {
  h: number;
  s: number;
  l: number;
}

export function toHsl(colour: Rgb): Hsl {
  const r = clampByte(colour.r) / 255;
  const g = clampByte(colour.g) / 255;
  const b = clampByte(colour.b) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const delta = max - min;
  if (delta === 0) return { h: 0, s: 0, l };
  const s = delta / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / delta + 6) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return { h: h * 60, s, l };
}

export function fromHsl({ h, s, l }: Hsl): Rgb {
  const hue = ((h % 360) + 360) % 360;
  const saturation = Math.min(1, Math.max(0, s));
  const lightness = Math.min(1, Math.max(0, l));
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - chroma / 2;
  const [r, g, b] = hue < 60 ? [chroma, x, 0] : hue < 120 ? [x, chroma, 0] : hue < 180 ? [0, chroma, x] : hue < 240 ? [0, x, chroma] : hue < 300 ? [x, 0, chroma] : [chroma, 0, x];
  return { r: (r + m) * 255, g: (g + m) * 255, b: (b + m) * 255 };
}

/** Shifts hue (degrees) and scales saturation and lightness: how an illustrator re-reads a colour. */
export function restyleColour(colour: Rgb, change: { hue?: number; saturation?: number; lightness?: number }): Rgb {
  const hsl = toHsl(colour);
  return fromHsl({ h: hsl.h + (change.hue ?? 0), s: hsl.s * (change.saturation ?? 1), l: hsl.l * (change.lightness ?? 1) });
}
