import { describe, expect, it } from "vitest";
import { classifyRuntimeMessage, FAILURE_CATEGORIES, FAILURE_PHASES, failureCode, teamFailureMessage } from "./failure-vocabulary";

describe("the failure vocabulary", () => {
  it("gives every code a fixed text without numbers", () => {
    const texts = new Set<string>();
    for (const phase of FAILURE_PHASES) {
      for (const category of FAILURE_CATEGORIES) {
        const text = teamFailureMessage(failureCode(phase, category));
        expect(text).not.toMatch(/\d/);
        texts.add(text);
      }
    }
    expect(teamFailureMessage("gallery.invalid-shape")).toBe("the model failed while embedding the gallery (onnxruntime: invalid shape)");
    expect(teamFailureMessage(failureCode("gallery", "timed-out"))).toBe("the model ran out of its time budget");
    expect(teamFailureMessage("something.else")).toBe("the model failed during its run");
    expect(texts.size).toBeGreaterThan(20);
  });

  it("classifies onnxruntime's messages by category only", () => {
    expect(classifyRuntimeMessage("Non-zero status code returned while running Reshape node. Name:'Reshape_embedding' Status Message: The input tensor cannot be reshaped to the requested shape. Input shape:{4,3}, requested shape:{4,13}")).toBe("invalid-shape");
    expect(classifyRuntimeMessage("Unexpected input data type. Actual: (tensor(double)) , expected: (tensor(float))")).toBe("invalid-type");
    expect(classifyRuntimeMessage("std::bad_alloc")).toBe("out-of-memory");
    expect(classifyRuntimeMessage("something went wrong")).toBe("runtime-error");
  });
});
