package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Inference traffic for the audit fault tests: client threads that each send requests one after
 * another, every request with its own OIP {@code id} ({@code <prefix>-t<thread>-<n>}), and remember
 * which were answered 200, in the order they were answered. A thread ends when it is stopped or
 * when the control plane can no longer be reached (it was killed).
 *
 * <p>{@link #assertRecordedOnceInOrder} is the check both fault tests make: every answered request
 * has exactly one record, no request has two, each thread's records follow its answers in chain
 * order, and the stream's sequence has no gap and no repeat.
 */
final class AuditedTraffic implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BODY_START = "{\"id\": \"";
  private static final String BODY_END =
      "\", \"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
          + " \"data\": [5.1, 3.5, 1.4, 0.2]}]}";

  private final String prefix;
  private final List<List<String>> answered = new ArrayList<>();
  private final List<String> otherAnswers = new CopyOnWriteArrayList<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService clients;
  private final List<Future<?>> running = new ArrayList<>();

  private AuditedTraffic(ApiClient api, String endpoint, String prefix, int threads) {
    this.prefix = prefix;
    this.clients = Executors.newFixedThreadPool(threads);
    for (int thread = 0; thread < threads; thread++) {
      List<String> answers = new CopyOnWriteArrayList<>();
      answered.add(answers);
      String threadPrefix = prefix + "-t" + thread + "-";
      running.add(clients.submit(() -> send(api, endpoint, threadPrefix, answers)));
    }
  }

  static AuditedTraffic start(ApiClient api, String endpoint, String prefix, int threads) {
    return new AuditedTraffic(api, endpoint, prefix, threads);
  }

  private void send(ApiClient api, String endpoint, String threadPrefix, List<String> answers) {
    for (int number = 0; !stop.get(); number++) {
      String id = threadPrefix + number;
      ApiClient.Response answer;
      try {
        answer = api.postJson("/v2/models/" + endpoint + "/infer", BODY_START + id + BODY_END);
      } catch (RuntimeException unreachable) {
        return;
      }
      sent.incrementAndGet();
      if (answer.status() == 200) {
        answers.add(id);
      } else {
        otherAnswers.add(id + ": " + answer);
      }
    }
  }

  /** Requests answered 200 so far, by all threads. */
  int answered() {
    return answered.stream().mapToInt(List::size).sum();
  }

  /** Answers other than 200 (the gateway refuses requests it could not audit with 503). */
  List<String> otherAnswers() {
    return List.copyOf(otherAnswers);
  }

  /** Stops the threads and waits until each has had its last answer. */
  void stop() throws Exception {
    stop.set(true);
    for (Future<?> thread : running) {
      thread.get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    stop.set(true);
    clients.shutdownNow();
  }

  /** Every inference record of the control plane, oldest first, through the export API. */
  static List<JsonNode> exportedInferences(ApiClient api) {
    ApiClient.Response export = api.get("/api/v1/audit/export?format=jsonl&kind=inference");
    assertThat(export.status()).as(export.toString()).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    for (String line : export.text().split("\n")) {
      if (!line.isBlank()) {
        records.add(JSON.readTree(line));
      }
    }
    return records;
  }

  /**
   * Whether the last answered request of every thread has its record, found by request id: the
   * dispatcher delivers in order, so all before it are stored then too (and, in Elasticsearch,
   * visible after the same refresh). A cheap condition to poll before one {@link
   * #exportedInferences}.
   */
  boolean lastAnsweredRecorded(ApiClient api) {
    for (List<String> answers : answered) {
      if (answers.isEmpty()) {
        continue;
      }
      ApiClient.Response found =
          api.get("/api/v1/audit/records?pageSize=1&requestId=" + answers.get(answers.size() - 1));
      if (found.status() != 200 || found.json().get("records").isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that each answered request has exactly one record, no request of this traffic has more,
   * each thread's answered requests appear in chain order as they were answered, and the records'
   * sequences are 1, 2, 3, … of a single stream.
   */
  void assertRecordedOnceInOrder(List<JsonNode> records) {
    List<JsonNode> chain = new ArrayList<>(records);
    chain.sort(Comparator.comparingLong(record -> record.get("sequence").asLong()));
    assertThat(chain.stream().map(record -> record.get("stream").asString()).distinct())
        .as("one inference stream across the runs")
        .hasSize(1);
    List<Long> sequences = chain.stream().map(record -> record.get("sequence").asLong()).toList();
    assertThat(sequences)
        .as("the chain's sequences: no gap, no repeat")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, chain.size()).boxed().toList());

    Map<String, Integer> copies = new HashMap<>();
    List<String> inChainOrder = new ArrayList<>();
    for (JsonNode record : chain) {
      String requestId = record.get("request_id").asString();
      if (requestId.startsWith(prefix + "-")) {
        copies.merge(requestId, 1, Integer::sum);
        inChainOrder.add(requestId);
      }
    }
    assertThat(copies.entrySet().stream().filter(entry -> entry.getValue() > 1).toList())
        .as("requests recorded more than once")
        .isEmpty();
    for (int thread = 0; thread < answered.size(); thread++) {
      String threadPrefix = prefix + "-t" + thread + "-";
      List<String> answers = answered.get(thread);
      assertThat(inChainOrder.stream().filter(answers::contains).toList())
          .as("thread %d: every answered request recorded once, in the order answered", thread)
          .containsExactlyElementsOf(answers);
      // A request in flight when the process died may be recorded without its answer: only last.
      assertThat(
              inChainOrder.stream()
                  .filter(id -> id.startsWith(threadPrefix) && !answers.contains(id))
                  .count())
          .as("thread %d: requests recorded but not answered", thread)
          .isLessThanOrEqualTo(1);
    }
  }

  /** Verifies every stream through the API: each must be intact. */
  static void assertEveryStreamIntact(ApiClient api) {
    ApiClient.Response verified = api.get("/api/v1/audit/verify");
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    assertThat(verified.json().size()).as("streams verified").isPositive();
    verified
        .json()
        .forEach(
            stream -> assertThat(stream.get("intact").asBoolean()).as(stream.toString()).isTrue());
  }

  /** How long to wait for the traffic's records. */
  static final Duration RECORDS_WAIT = Duration.ofMinutes(3);
}
