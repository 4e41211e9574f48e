import type { SeededRandom } from "./seeded-random";

// Effects applied to decoded RGB pixels (3 bytes per pixel, in place): what a camera or a painter does that SVG
// cannot express cheaply. Values are clamped to 0..255 by the Uint8ClampedArray view.

function clampedView(pixels: Buffer): Uint8ClampedArray {
  return new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
}

/** Exposure and white balance: `gain` scales all channels, `warmth` > 0 shifts towards red, < 0 towards blue. */
export function adjustLighting(pixels: Buffer, gain: number, warmth: number): void {
  const view = clampedView(pixels);
  const red = gain * (1 + warmth);
  const green = gain * (1 + warmth * 0.2);
  const blue = gain * (1 - warmth);
  for (let i = 0; i < view.length; i += 3) {
    view[i] = view[i]! * red;
    view[i + 1] = view[i + 1]! * green;
    view[i + 2] = view[i + 2]! * blue;
  }
}

/**
 * Sensor noise with standard deviation `sigma` (in 0..255 units), independent per channel. Each value is the sum of
 * the four bytes of one 32-bit draw (Irwin–Hall, close to Gaussian): a photo has ~50,000 channel values and exact
 * Gaussians would make noise the slowest step of the demo's generation.
 */
export function addNoise(pixels: Buffer, sigma: number, random: SeededRandom): void {
  const view = clampedView(pixels);
  const scale = sigma / Math.sqrt((4 * (256 * 256 - 1)) / 12);
  let state = random.integer(0, 0xffffffff);
  for (let i = 0; i < view.length; i++) {
    // mulberry32, inlined.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const word = (t ^ (t >>> 14)) >>> 0;
    const sum = (word & 0xff) + ((word >>> 8) & 0xff) + ((word >>> 16) & 0xff) + (word >>> 24);
    view[i] = view[i]! + (sum - 510) * scale;
  }
}

/**
 * Pushes pixels around along a smooth random field (offsets drawn on a grid of `cell` pixels, bilinear in
 * between, up to `amplitude` pixels): the wobbly edges of brush strokes. Far cheaper than SVG feTurbulence.
 */
export function warpPixels(pixels: Buffer, width: number, height: number, amplitude: number, cell: number, random: SeededRandom): Buffer {
  const columns = Math.ceil(width / cell) + 2;
  const rows = Math.ceil(height / cell) + 2;
  const field = [0, 1].map(() => Float32Array.from({ length: columns * rows }, () => random.between(-amplitude, amplitude)));
  const interpolate = (grid: Float32Array, gx: number, gy: number) => {
    const column = Math.floor(gx);
    const row = Math.floor(gy);
    const fx = gx - column;
    const fy = gy - row;
    const top = grid[row * columns + column]! * (1 - fx) + grid[row * columns + column + 1]! * fx;
    const bottom = grid[(row + 1) * columns + column]! * (1 - fx) + grid[(row + 1) * columns + column + 1]! * fx;
    return top * (1 - fy) + bottom * fy;
  };
  const warped = Buffer.alloc(pixels.length);
  for (let y = 0, target = 0; y < height; y++) {
    for (let x = 0; x < width; x++, target += 3) {
      const sourceX = Math.min(width - 1, Math.max(0, Math.round(x + interpolate(field[0]!, x / cell, y / cell))));
      const sourceY = Math.min(height - 1, Math.max(0, Math.round(y + interpolate(field[1]!, x / cell, y / cell))));
      const source = (sourceY * width + sourceX) * 3;
      warped[target] = pixels[source]!;
      warped[target + 1] = pixels[source + 1]!;
      warped[target + 2] = pixels[source + 2]!;
    }
  }
  return warped;
}

/** Rounds every channel to one of `levels` values: the flat colour bands of a posterized painting. */
export function posterize(pixels: Buffer, levels: number): void {
  const step = 255 / (levels - 1);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.round(pixels[i]! / step) * step);
}

/** Grey pixels that stay three-channel (a scanned drawing is still an RGB file). */
export function toGrey(pixels: Buffer): void {
  for (let i = 0; i < pixels.length; i += 3) {
    const grey = Math.round(0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!);
    pixels[i] = grey;
    pixels[i + 1] = grey;
    pixels[i + 2] = grey;
  }
}
