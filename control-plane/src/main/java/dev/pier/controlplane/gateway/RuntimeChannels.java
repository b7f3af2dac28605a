package dev.pier.controlplane.gateway;

import dev.pier.controlplane.scheduler.Routing;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * One persistent HTTP/2 connection (a gRPC {@link ManagedChannel}) per runtime server, shared by
 * every gRPC request the gateway forwards to it. A channel is keyed by the server's id and its gRPC
 * target; it is closed when the server leaves the routing table (after each {@link
 * Routing#publish}), when the server comes back under another target, and at shutdown. Closing is
 * graceful: calls already on the channel finish.
 */
@Component
class RuntimeChannels implements DisposableBean {
  /** The runtime's default request limit ({@code --max-request-size} 64 MiB) for answers too. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private record Entry(String target, ManagedChannel channel) {}

  private final Map<UUID, Entry> channels = new HashMap<>();
  private boolean closed;

  RuntimeChannels(Routing routing) {
    routing.onPublish(this::retain);
  }

  /** The channel to a server, opened on first use. */
  synchronized ManagedChannel channel(UUID serverId, String target) {
    if (closed) {
      throw new IllegalStateException("the gateway is shutting down");
    }
    Entry entry = channels.get(serverId);
    if (entry != null && entry.target().equals(target) && !entry.channel().isShutdown()) {
      return entry.channel();
    }
    if (entry != null) {
      entry.channel().shutdown();
    }
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            // Callbacks only rewrite a name and hand the answer on: no thread pool hop needed.
            .directExecutor()
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            // Kept open between requests: no idle timeout, and pings keep NATs and proxies open.
            .idleTimeout(30, TimeUnit.DAYS)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .build();
    channels.put(serverId, new Entry(target, channel));
    return channel;
  }

  /** The servers with an open channel, and their targets. */
  synchronized Map<UUID, String> open() {
    Map<UUID, String> open = new HashMap<>();
    channels.forEach(
        (id, entry) -> {
          if (!entry.channel().isShutdown()) {
            open.put(id, entry.target());
          }
        });
    return open;
  }

  /** Closes the channels of servers no longer in the routing table (or under another target). */
  private synchronized void retain(Map<UUID, Routing.Target> routed) {
    channels
        .entrySet()
        .removeIf(
            server -> {
              Routing.Target target = routed.get(server.getKey());
              boolean gone =
                  target == null || !server.getValue().target().equals(target.grpcTarget());
              if (gone) {
                server.getValue().channel().shutdown();
              }
              return gone;
            });
  }

  @Override
  public void destroy() throws InterruptedException {
    Map<UUID, Entry> closing;
    synchronized (this) {
      closed = true;
      closing = Map.copyOf(channels);
      channels.clear();
    }
    for (Entry entry : closing.values()) {
      entry.channel().shutdown();
    }
    for (Entry entry : closing.values()) {
      if (!entry.channel().awaitTermination(5, TimeUnit.SECONDS)) {
        entry.channel().shutdownNow();
      }
    }
  }
}
