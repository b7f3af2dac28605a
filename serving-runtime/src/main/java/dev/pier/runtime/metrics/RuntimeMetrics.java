package dev.pier.runtime.metrics;

import dev.pier.runtime.protocol.ErrorCode;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime's Prometheus metrics. Per-model data points are looked up once per model version and
 * cached in {@link ModelMetrics}, so recording a request touches no maps and allocates nothing.
 */
public final class RuntimeMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5, 10
  };
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final PrometheusRegistry registry;
  private final Counter requests;
  private final Histogram totalLatency;
  private final Histogram queueLatency;
  private final Histogram computeLatency;
  private final Histogram batchSize;
  private final Gauge inFlight;
  private final Gauge modelMemory;
  private final Gauge loadedModels;
  private final Map<String, ModelMetrics> byModelVersion = new ConcurrentHashMap<>();

  public RuntimeMetrics() {
    this(new PrometheusRegistry());
  }

  public RuntimeMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    requests =
        Counter.builder()
            .name("pier_runtime_requests_total")
            .help("Inference requests by model, version and outcome")
            .labelNames("model", "version", "outcome")
            .register(registry);
    totalLatency = latency("pier_runtime_request_duration_seconds", "Total time per request");
    queueLatency =
        latency("pier_runtime_queue_duration_seconds", "Time a request waited for its batch");
    computeLatency =
        latency("pier_runtime_compute_duration_seconds", "Time inside ONNX Runtime per request");
    batchSize =
        Histogram.builder()
            .name("pier_runtime_batch_size_rows")
            .help("Rows per executed batch, per request")
            .labelNames("model", "version")
            .classicOnly()
            .classicUpperBounds(BATCH_BUCKETS)
            .register(registry);
    inFlight =
        Gauge.builder()
            .name("pier_runtime_requests_in_flight")
            .help("Requests being served per model version")
            .labelNames("model", "version")
            .register(registry);
    modelMemory =
        Gauge.builder()
            .name("pier_runtime_model_memory_bytes")
            .help("Memory accounted to each loaded model version")
            .labelNames("model", "version")
            .register(registry);
    loadedModels =
        Gauge.builder()
            .name("pier_runtime_loaded_models")
            .help("Model versions currently loaded and ready")
            .register(registry);
  }

  private Histogram latency(String name, String help) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
        .labelNames("model", "version")
        .classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS)
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public ModelMetrics model(String model, String version) {
    return byModelVersion.computeIfAbsent(
        model + '\u0000' + version, key -> new ModelMetrics(model, version));
  }

  public void loadedModels(int count) {
    loadedModels.set(count);
  }

  /** Cached data points for one model version. */
  public final class ModelMetrics {
    private final CounterDataPoint success;
    private final Map<ErrorCode, CounterDataPoint> failures = new EnumMap<>(ErrorCode.class);
    private final DistributionDataPoint total;
    private final DistributionDataPoint queue;
    private final DistributionDataPoint compute;
    private final DistributionDataPoint batch;
    private final GaugeDataPoint running;
    private final GaugeDataPoint memory;

    private ModelMetrics(String model, String version) {
      success = requests.labelValues(model, version, "success");
      for (ErrorCode code : ErrorCode.values()) {
        failures.put(
            code, requests.labelValues(model, version, code.name().toLowerCase(Locale.ROOT)));
      }
      total = totalLatency.labelValues(model, version);
      queue = queueLatency.labelValues(model, version);
      compute = computeLatency.labelValues(model, version);
      batch = batchSize.labelValues(model, version);
      running = inFlight.labelValues(model, version);
      memory = modelMemory.labelValues(model, version);
    }

    public void started() {
      running.inc();
    }

    public void succeeded(long totalNanos, long queueNanos, long computeNanos, int batchRows) {
      running.dec();
      success.inc();
      total.observe(totalNanos / 1e9);
      queue.observe(queueNanos / 1e9);
      compute.observe(computeNanos / 1e9);
      batch.observe(batchRows);
    }

    public void failed(ErrorCode code, long totalNanos) {
      running.dec();
      failures.get(code).inc();
      total.observe(totalNanos / 1e9);
    }

    public void memoryBytes(long bytes) {
      memory.set(bytes);
    }
  }
}
