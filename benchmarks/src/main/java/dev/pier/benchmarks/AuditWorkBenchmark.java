package dev.pier.benchmarks;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.audit.SearchTerms;
import dev.pier.audit.capture.AuditPolicy;
import dev.pier.audit.capture.InferenceRecords;
import dev.pier.audit.chain.HashChain;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The control plane's audit work for one inference, in-process and step by step, for the gateway
 * benchmark's iris and mlp requests: splitting the request and answer into records under the
 * default policy (payloads kept), the record's search words, and its hash for the chain. These run
 * on the audit and dispatcher threads for every audited request, beside what the database spends.
 *
 * <p>Run from the repository root after {@code ./mvnw -q package -DskipTests}: {@code java -cp
 * benchmarks/target/pier-benchmarks.jar dev.pier.benchmarks.AuditWorkBenchmark}. Each step runs
 * {@value #ITERATIONS} times per round after {@value #WARMUP_ROUNDS} rounds of warm-up; the table
 * gives the median of {@value #ROUNDS} rounds, in µs per record.
 */
public final class AuditWorkBenchmark {
  static final int ITERATIONS = 20_000;
  static final int WARMUP_ROUNDS = 3;
  static final int ROUNDS = 7;

  private AuditWorkBenchmark() {}

  /** Where each round's results go, so that the JIT cannot drop the calls that made them. */
  private static volatile long consumed;

  public static void main(String[] args) {
    StringBuilder table =
        new StringBuilder(
            "| Model | Request JSON (chars) | Split into records (µs) | Search words (µs) |"
                + " Chain hash (µs) |\n|---|---:|---:|---:|---:|\n");
    for (Workload workload : List.of(Workload.iris(), Workload.mlp())) {
      String request = new String(workload.jsonBody(), StandardCharsets.UTF_8);
      String response = response(workload);
      AuditRecord template =
          AuditRecord.inference(
              Instant.parse("2026-12-02T00:00:00Z"),
              null,
              workload.model(),
              "token:benchmark",
              Outcome.SUCCESS,
              200,
              Duration.ofMillis(1));
      AuditRecord record =
          InferenceRecords.split(template, request, response, AuditPolicy.DEFAULT).getFirst();
      double split =
          median(
              () ->
                  InferenceRecords.split(template, request, response, AuditPolicy.DEFAULT).size());
      double words = median(() -> SearchTerms.of(record).size());
      double hash = median(() -> HashChain.hash(record).length());
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.1f | %.1f | %.1f |%n",
              workload.model(),
              request.length(),
              split,
              words,
              hash));
    }
    System.out.print(table);
  }

  /** An answer of the model's shape: iris's probabilities and label, mlp's ten logits. */
  private static String response(Workload workload) {
    return workload.model().equals("iris")
        ? "{\"model_name\":\"iris\",\"model_version\":\"1\",\"outputs\":[{\"name\":\"probabilities\","
            + "\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1.4033787E-11,0.99907744,"
            + "9.225858E-4]},{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[1]}]}"
        : "{\"model_name\":\"mlp\",\"model_version\":\"1\",\"outputs\":[{\"name\":\"logits\","
            + "\"datatype\":\"FP32\",\"shape\":[1,10],\"data\":[-0.42703187,1.0354315,-1.3376617,"
            + "0.32125014,-0.1826391,0.7751269,-0.0539312,0.2893871,-1.0173302,0.4618825]}]}";
  }

  /** The median over {@link #ROUNDS} rounds of the µs one call takes. */
  private static double median(IntSupplier step) {
    long sink = 0;
    double[] rounds = new double[ROUNDS];
    for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < ITERATIONS; i++) {
        sink += step.getAsInt();
      }
      if (round >= 0) {
        rounds[round] = (System.nanoTime() - start) / 1e3 / ITERATIONS;
      }
    }
    consumed = sink;
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }
}
