package dev.pier.audit.dispatch;

import static dev.pier.audit.testing.TestRecords.T0;

import dev.pier.audit.elasticsearch.ElasticsearchAuditSink;
import dev.pier.audit.elasticsearch.ElasticsearchSinkSettings;
import dev.pier.audit.testing.TestRecords;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A process that audits without end: it submits inference records {@code kill-0}, {@code kill-1}, …
 * to a dispatcher and prints {@code journaled <n>} whenever more have been forced to its journal,
 * until it is killed. Arguments: the Elasticsearch URL, the index prefix, the journal directory and
 * the node name.
 */
public final class JournalingWriter {
  private JournalingWriter() {}

  public static void main(String[] arguments) throws Exception {
    ElasticsearchAuditSink sink =
        ElasticsearchAuditSink.connect(
            URI.create(arguments[0]),
            ElasticsearchSinkSettings.defaults().withIndexPrefix(arguments[1]).withReplicas(0),
            Duration.ofSeconds(1));
    AuditDispatcher dispatcher =
        AuditDispatcher.start(
            sink,
            DispatcherSettings.defaults(arguments[3], Path.of(arguments[2]))
                .withBatchSize(100)
                .withSinkTimeout(Duration.ofSeconds(1))
                .withRetry(Duration.ofMillis(50), Duration.ofMillis(500)),
            AuditAlerts.NONE);
    Thread reporter =
        new Thread(
            () -> {
              long reported = -1;
              while (true) {
                long journaled = dispatcher.metrics().journaled();
                if (journaled != reported) {
                  System.out.println("journaled " + journaled);
                  System.out.flush();
                  reported = journaled;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
              }
            },
            "reporter");
    reporter.setDaemon(true);
    reporter.start();
    for (long index = 0; ; index++) {
      while (true) {
        try {
          dispatcher.submit(TestRecords.inference(T0.plusMillis(index), "kill-" + index, "iris"));
          break;
        } catch (AuditRejectedException e) {
          // The queue is full: the same record again.
        }
      }
    }
  }
}
