package dev.pier.audit.dispatch;

import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.AuditSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Records the sink refused for good, kept rather than dropped: {@code rejected.jsonl} in the
 * journal directory, one JSON object per line ({@code reason}, {@code record}), forced to disk. An
 * operator can fix and re-submit them; the chain shows them as missing until then.
 */
final class RejectedRecords {
  private final Path file;

  RejectedRecords(Path directory) {
    this.file = directory.resolve("rejected.jsonl");
  }

  void append(List<AuditSink.Rejected> rejected) throws IOException {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (AuditSink.Rejected entry : rejected) {
      try (JsonGenerator generator = AuditRecordJson.mapper().createGenerator(lines)) {
        generator.writeStartObject();
        generator.writeStringProperty("reason", entry.reason());
        generator.writeName("record");
        AuditRecordJson.write(generator, entry.record());
        generator.writeEndObject();
      }
      lines.write('\n');
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(lines.toByteArray());
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    }
  }
}
