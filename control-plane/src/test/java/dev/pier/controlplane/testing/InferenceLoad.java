package dev.pier.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inference requests sent one after another from a second thread while a test changes things, every
 * answer counted: {@link #assertNoFailure} proves a change failed no request.
 */
public final class InferenceLoad implements AutoCloseable {
  private static final int AT_MOST = 50_000;

  private final List<String> failures = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger answered = new AtomicInteger();
  private final Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
  private final ExecutorService client = Executors.newSingleThreadExecutor();
  private final Future<Integer> sent;

  private InferenceLoad(ApiClient api, String path, String body) {
    sent =
        client.submit(
            () -> {
              int count = 0;
              while (!stop.get() && count < AT_MOST) {
                ApiClient.Response answer = api.postJson(path, body);
                count++;
                answered.incrementAndGet();
                if (answer.status() != 200) {
                  synchronized (failures) {
                    failures.add(answer.toString());
                  }
                } else {
                  byVersion
                      .computeIfAbsent(
                          answer.json().get("model_version").asString(),
                          version -> new AtomicInteger())
                      .incrementAndGet();
                }
              }
              return count;
            });
  }

  public static InferenceLoad start(ApiClient api, String path, String body) {
    return new InferenceLoad(api, path, body);
  }

  /** Answers received so far: lets a test wait until requests flow before it changes things. */
  public int answered() {
    return answered.get();
  }

  /** The model versions that answered so far ({@code model_version}). */
  public Set<String> versions() {
    return Set.copyOf(byVersion.keySet());
  }

  /** Stops the load and checks that it sent requests and every one succeeded. */
  public void assertNoFailure() throws Exception {
    stop.set(true);
    assertThat(sent.get()).isPositive();
    synchronized (failures) {
      assertThat(failures).isEmpty();
    }
  }

  @Override
  public void close() {
    stop.set(true);
    client.shutdown();
  }
}
