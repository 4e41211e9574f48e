import { describe, expect, it } from "vitest";
import { fromFloat16Bits, toFloat16Bits } from "./model-io";

describe("float16 conversion", () => {
  it("encodes known values as IEEE half precision", () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(70000)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(1e-9)).toBe(0);
    expect(toFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it("round-trips every finite half value exactly, and rounds halfway cases to even", () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // Inf and NaN
      const value = fromFloat16Bits(bits);
      expect(toFloat16Bits(value) === bits || (value === 0 && (bits & 0x7fff) === 0)).toBe(true);
    }
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): to even, 1.
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });
});
