package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.IrisEndpoint;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.controlplane.testing.RuntimeJar;
import dev.pier.testing.elasticsearch.ElasticsearchNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue #6's fault test for the sink: gateway traffic flows while Elasticsearch is stopped for more
 * than two minutes and started again; every request answered 200 has its record in Elasticsearch,
 * once, in the order answered, and the chain verifies. The records of the outage wait in the
 * dispatcher's journal (the status shows them) and are replayed when the node answers again.
 */
class ElasticsearchOutageIT {
  private static final Duration OUTAGE = Duration.ofMinutes(2).plusSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension static final ElasticsearchNode ELASTICSEARCH = new ElasticsearchNode();
  @TempDir Path pierHome;
  private RunningControlPlane controlPlane;

  @AfterEach
  void stop() {
    if (!ELASTICSEARCH.isRunning()) {
      ELASTICSEARCH.start();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void everyAnsweredRequestIsRecordedOnceInOrderAcrossAnOutageOfMinutes() throws Exception {
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome,
            "pier.runtimes.local.count=1",
            "pier.runtimes.local.jar=" + RuntimeJar.path(),
            "pier.audit.sink=elasticsearch",
            "pier.audit.elasticsearch.url=" + ELASTICSEARCH.url(),
            "pier.audit.elasticsearch.index-prefix=outage-it-"
                + Long.toHexString(System.nanoTime()),
            "pier.audit.elasticsearch.replicas=0",
            "pier.audit.elasticsearch.request-timeout=2s");
    ApiClient api = controlPlane.api();
    IrisEndpoint.create(api, "flowers");
    Awaiting.until(
        "the gateway serves the endpoint",
        WAIT,
        () -> api.postJson("/v2/models/flowers/infer", Iris.SETOSA).status() == 200,
        () -> "");

    try (AuditedTraffic traffic = AuditedTraffic.start(api, "flowers", "outage", 1)) {
      Awaiting.until(
          "records reach Elasticsearch while it is up",
          WAIT,
          () -> traffic.answered() >= 50 && status(api).get("delivered").asLong() >= 50,
          () -> status(api).toString());

      ELASTICSEARCH.stop();
      long stopped = System.nanoTime();
      int answeredBefore = traffic.answered();
      Awaiting.until(
          "the outage has lasted " + OUTAGE + " with records journaled and requests still answered",
          OUTAGE.plus(WAIT),
          () ->
              System.nanoTime() - stopped >= OUTAGE.toNanos()
                  && status(api).get("journalPending").asLong() > 0
                  && traffic.answered() > answeredBefore + 50,
          () -> status(api).toString());
      int answeredDuringOutage = traffic.answered() - answeredBefore;

      ELASTICSEARCH.start();
      Awaiting.until(
          "the journal is replayed",
          WAIT,
          () -> status(api).get("journalPending").asLong() == 0,
          () -> status(api).toString());
      traffic.stop();
      assertThat(traffic.otherAnswers()).as("requests not answered 200").isEmpty();
      assertThat(answeredDuringOutage).isPositive();

      Awaiting.until(
          "the last answered request's record is searchable",
          AuditedTraffic.RECORDS_WAIT,
          // Near-real-time: the last refresh may lag the writes by a second.
          () -> traffic.lastAnsweredRecorded(api),
          () -> status(api).toString());
      traffic.assertRecordedOnceInOrder(AuditedTraffic.exportedInferences(api));
    }

    AuditedTraffic.assertEveryStreamIntact(api);
  }

  private static JsonNode status(ApiClient api) {
    return api.get("/api/v1/audit/status").json();
  }
}
