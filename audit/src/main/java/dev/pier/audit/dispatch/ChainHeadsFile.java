package dev.pier.audit.dispatch;

import dev.pier.audit.chain.ChainHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last sealed record of each of a dispatcher's streams, kept beside the journal so that a
 * restart continues the chains even while the sink is unreachable. One line per stream: {@code
 * stream sequence hash}. Replaced atomically after every batch that reached the sink or the
 * journal; not forced to disk (a process crash keeps it, and the journal and the sink are consulted
 * too). A fourth field, the head record's id, lets the control plane's intake log find where a
 * restart continues; files without it are read as before.
 */
final class ChainHeadsFile {
  private final Path file;
  private final Path temporary;

  ChainHeadsFile(Path directory) {
    this.file = directory.resolve("chain-heads");
    this.temporary = directory.resolve("chain-heads.tmp");
  }

  /** A stream's head and the id of its record (null when not known). */
  record Entry(ChainHead head, String recordId) {}

  Map<String, Entry> read() throws IOException {
    Map<String, Entry> heads = new HashMap<>();
    if (!Files.exists(file)) {
      return heads;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines) {
      String[] parts = line.split(" ");
      if (parts.length == 3 || parts.length == 4) {
        heads.put(
            parts[0],
            new Entry(
                new ChainHead(parts[0], Long.parseLong(parts[1]), parts[2]),
                parts.length == 4 ? parts[3] : null));
      }
    }
    return heads;
  }

  void write(Map<String, ChainHead> heads, Map<String, String> recordIds) throws IOException {
    StringBuilder text = new StringBuilder();
    for (ChainHead head : heads.values()) {
      text.append(head.stream())
          .append(' ')
          .append(head.sequence())
          .append(' ')
          .append(head.hash());
      String id = recordIds.get(head.stream());
      if (id != null) {
        text.append(' ').append(id);
      }
      text.append('\n');
    }
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
