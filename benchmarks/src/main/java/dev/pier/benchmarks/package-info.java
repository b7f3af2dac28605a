/**
 * Load harness comparing pier-runtime against in-process ONNX Runtime and a minimal HTTP baseline
 * server, on the same machine and the same models. {@link dev.pier.benchmarks.RuntimeBenchmark} is
 * the entry point; it starts pier-runtime and {@link dev.pier.benchmarks.BaselineServer} as child
 * processes and drives them over 127.0.0.1 with low-overhead clients. Nothing here is run by the
 * build: benchmarks are run by hand and their results recorded in docs/benchmarks.md.
 */
package dev.pier.benchmarks;
