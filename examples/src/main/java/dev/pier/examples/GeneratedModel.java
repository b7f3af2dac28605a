package dev.pier.examples;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One model of a repository: its directory name, the bytes of its {@code model.onnx} (not always a
 * valid model: the broken test models are deliberately not) and its class labels, if any.
 */
record GeneratedModel(String name, byte[] onnx, List<String> labels) {
  /** Every generated model is version 1: reruns replace the same files rather than add versions. */
  static final String VERSION = "1";

  GeneratedModel {
    labels = List.copyOf(labels);
  }

  static GeneratedModel of(String name, OnnxMl.ModelProto model, List<String> labels) {
    return new GeneratedModel(name, model.toByteArray(), labels);
  }

  static GeneratedModel of(String name, OnnxMl.ModelProto model) {
    return of(name, model, List.of());
  }

  /** Writes {@code <repository>/<name>/1/model.onnx}, and {@code config.json} with the labels. */
  void writeTo(Path repository) throws IOException {
    Path modelDirectory = repository.resolve(name);
    Path versionDirectory = Files.createDirectories(modelDirectory.resolve(VERSION));
    Files.write(versionDirectory.resolve("model.onnx"), onnx);
    if (!labels.isEmpty()) {
      Files.writeString(
          modelDirectory.resolve("config.json"), Json.labelsConfig(labels), StandardCharsets.UTF_8);
    }
  }
}
