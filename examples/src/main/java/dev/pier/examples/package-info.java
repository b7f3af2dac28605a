/**
 * A reproducible generator of the ONNX models Pier ships and tests with. It trains real models on
 * real datasets committed beside it (iris, Palmer penguins, auto-mpg cars) in pure Java with
 * Tribuo, wraps each trained graph with serving-friendly names, in-graph preprocessing and label
 * metadata, and writes Triton-style model repositories ({@code <model>/<version>/model.onnx} plus
 * an optional {@code config.json}). It also writes the synthetic models the serving runtime's tests
 * need: an identity model for every Open Inference Protocol datatype, a fixed-shape two-output
 * model, a large multi-layer perceptron for load tests, and deliberately unloadable files. Every
 * run with the same sources produces the same models, so the committed copies can be checked
 * against the generator. Nothing here is used at serving time.
 */
package dev.pier.examples;
