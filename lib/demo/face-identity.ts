import { mix, restyleColour, rgb, type Rgb } from "./colour";
import type { SeededRandom } from "./seeded-random";

// A synthetic person: the parameters every render of them shares, photo or portrait. Lengths are in the units of
// the 100×100 canvas the faces are drawn on (see face-layers.ts).

export const HAIR_STYLES = ["short", "long", "bob", "bun", "curly", "bald", "spiky"] as const;
export type HairStyle = (typeof HAIR_STYLES)[number];
export type GlassesStyle = "round" | "square";
export type BeardStyle = "stubble" | "moustache" | "full";

export interface FaceIdentity {
  face: {
    /** Half-width of the head. */
    halfWidth: number;
    /** Half-height of the head (forehead to chin). */
    halfHeight: number;
    /** 0: a pointed chin, 1: a square jaw. */
    jaw: number;
  };
  skin: Rgb;
  hair: { style: HairStyle; colour: Rgb; /** How far the hair stands off the head. */ volume: number; /** Side of the parting, -1 or 1. */ parting: number };
  eyes: { /** Half the distance between the eyes. */ spacing: number; size: number; colour: Rgb; /** Offset from the head's centre line, + is lower. */ height: number };
  brows: { thickness: number; /** Degrees; positive raises the outer ends. */ tilt: number; colour: Rgb };
  nose: { length: number; width: number };
  mouth: { halfWidth: number; /** Smile depth; negative frowns. */ curve: number; lips: Rgb };
  glasses: { style: GlassesStyle; frame: Rgb } | null;
  beard: BeardStyle | null;
  earrings: Rgb | null;
}

interface Weighted<T> {
  value: T;
  weight: number;
}

const SKIN_TONES: Rgb[] = [
  rgb(246, 215, 195),
  rgb(234, 193, 160),
  rgb(214, 162, 122),
  rgb(193, 142, 94),
  rgb(168, 111, 69),
  rgb(139, 90, 54),
  rgb(107, 65, 41),
  rgb(74, 44, 28),
];

// Natural colours are the most common, but dyed hair is frequent enough to make a crowd colourful.
const HAIR_COLOURS: Weighted<Rgb>[] = [
  { value: rgb(28, 21, 18), weight: 3 },
  { value: rgb(59, 36, 23), weight: 3 },
  { value: rgb(106, 66, 40), weight: 3 },
  { value: rgb(140, 63, 31), weight: 2 },
  { value: rgb(192, 98, 43), weight: 2 },
  { value: rgb(217, 179, 108), weight: 2.5 },
  { value: rgb(232, 220, 192), weight: 1.5 },
  { value: rgb(154, 149, 143), weight: 1.5 },
  { value: rgb(232, 230, 226), weight: 1 },
  { value: rgb(58, 95, 191), weight: 1 },
  { value: rgb(212, 90, 154), weight: 1 },
  { value: rgb(63, 154, 90), weight: 1 },
  { value: rgb(106, 63, 160), weight: 1 },
  { value: rgb(40, 170, 190), weight: 0.8 },
  { value: rgb(200, 40, 40), weight: 0.8 },
];

const EYE_COLOURS: Rgb[] = [rgb(90, 58, 30), rgb(59, 36, 18), rgb(138, 106, 50), rgb(79, 122, 58), rgb(74, 120, 181), rgb(127, 138, 148)];
const FRAME_COLOURS: Rgb[] = [rgb(20, 20, 20), rgb(120, 70, 30), rgb(180, 30, 40), rgb(40, 60, 150), rgb(190, 170, 90)];
const EARRING_COLOURS: Rgb[] = [rgb(230, 190, 60), rgb(210, 210, 220), rgb(200, 40, 60)];

function pickWeighted<T>(random: SeededRandom, items: readonly Weighted<T>[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let draw = random.between(0, total);
  for (const item of items) {
    draw -= item.weight;
    if (draw < 0) return item.value;
  }
  return items[items.length - 1]!.value;
}

/** A skin tone anywhere along the ramp of SKIN_TONES, with its own undertone. */
function drawSkin(random: SeededRandom): Rgb {
  const position = random.between(0, SKIN_TONES.length - 1);
  const below = Math.floor(position);
  const tone = mix(SKIN_TONES[below]!, SKIN_TONES[Math.min(below + 1, SKIN_TONES.length - 1)]!, position - below);
  return restyleColour(tone, { hue: random.between(-7, 7), saturation: random.between(0.8, 1.2) });
}

/** A colour from a palette, nudged per channel so no two people share it exactly. */
function jitterColour(random: SeededRandom, colour: Rgb, amount: number): Rgb {
  return rgb(colour.r + random.between(-amount, amount), colour.g + random.between(-amount, amount), colour.b + random.between(-amount, amount));
}

/** Draws one person's parameters. */
export function drawFaceIdentity(random: SeededRandom): FaceIdentity {
  const skin = drawSkin(random);
  const hairColour = jitterColour(random, pickWeighted(random, HAIR_COLOURS), 18);
  return {
    face: { halfWidth: random.between(14, 19), halfHeight: random.between(19, 24), jaw: random.next() },
    skin,
    hair: { style: random.pick(HAIR_STYLES), colour: hairColour, volume: random.between(1.5, 5), parting: random.chance(0.5) ? -1 : 1 },
    eyes: { spacing: random.between(5.5, 8.5), size: random.between(2.2, 3.6), colour: random.pick(EYE_COLOURS), height: random.between(-3, 1) },
    brows: { thickness: random.between(0.8, 2.2), tilt: random.between(-12, 14), colour: random.chance(0.7) ? hairColour : jitterColour(random, hairColour, 30) },
    nose: { length: random.between(5, 10), width: random.between(2, 4.5) },
    mouth: { halfWidth: random.between(4, 8), curve: random.between(-1, 3.5), lips: jitterColour(random, { r: skin.r * 0.8 + 30, g: skin.g * 0.55, b: skin.b * 0.6 }, 10) },
    glasses: random.chance(0.3) ? { style: random.chance(0.5) ? "round" : "square", frame: random.pick(FRAME_COLOURS) } : null,
    beard: random.chance(0.25) ? random.pick(["stubble", "moustache", "full"] as const) : null,
    earrings: random.chance(0.2) ? random.pick(EARRING_COLOURS) : null,
  };
}
