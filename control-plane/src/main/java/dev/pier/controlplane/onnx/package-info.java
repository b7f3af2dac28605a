/**
 * Reading models: {@link dev.pier.controlplane.onnx.OnnxInspector} opens a file with ONNX Runtime
 * and returns its {@link dev.pier.controlplane.onnx.ModelSchema} (tensors with OIP datatypes and
 * shapes, custom metadata). The only package that touches ONNX Runtime; later graph validation
 * reuses its tensor types.
 */
package dev.pier.controlplane.onnx;
