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
 * too).
 */
final class ChainHeadsFile {
  private final Path file;
  private final Path temporary;

  ChainHeadsFile(Path directory) {
    this.file = directory.resolve("chain-heads");
    this.temporary = directory.resolve("chain-heads.tmp");
  }

  Map<String, ChainHead> read() throws IOException {
    Map<String, ChainHead> heads = new HashMap<>();
    if (!Files.exists(file)) {
      return heads;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines) {
      String[] parts = line.split(" ");
      if (parts.length == 3) {
        heads.put(parts[0], new ChainHead(parts[0], Long.parseLong(parts[1]), parts[2]));
      }
    }
    return heads;
  }

  void write(Map<String, ChainHead> heads) throws IOException {
    StringBuilder text = new StringBuilder();
    for (ChainHead head : heads.values()) {
      text.append(head.stream())
          .append(' ')
          .append(head.sequence())
          .append(' ')
          .append(head.hash())
          .append('\n');
    }
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
