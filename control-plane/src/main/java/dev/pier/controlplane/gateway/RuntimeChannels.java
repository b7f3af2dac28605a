package dev.pier.controlplane.gateway;

import dev.pier.controlplane.runtimes.RuntimeAccess;
import dev.pier.controlplane.scheduler.Routing;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
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
 *
 * <p>Every call carries the runtimes' bearer token in its {@code authorization} metadata (added by
 * the channel, never taken from the client's call). A server that registered a TLS gRPC port is
 * reached over TLS, trusting {@code pier.runtimes.tls.trust-certificates} and presenting the client
 * certificate when one is configured.
 */
@Component
class RuntimeChannels implements DisposableBean {
  /** The runtime's default request limit ({@code --max-request-size} 64 MiB) for answers too. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private record Entry(String target, boolean tls, ManagedChannel channel) {}

  private final Map<UUID, Entry> channels = new HashMap<>();
  private final ClientInterceptor authorization;
  private final ChannelCredentials tlsCredentials;
  private boolean closed;

  RuntimeChannels(Routing routing, RuntimeAccess access) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), access.authorization());
    this.authorization = MetadataUtils.newAttachHeadersInterceptor(headers);
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (access.trustManagers() != null) {
      tls.trustManager(access.trustManagers());
    }
    if (access.clientKeyManagers() != null) {
      tls.keyManager(access.clientKeyManagers());
    }
    this.tlsCredentials = tls.build();
    routing.onPublish(this::retain);
  }

  /** The channel to a server, opened on first use; over TLS when {@code tls}. */
  synchronized ManagedChannel channel(UUID serverId, String target, boolean tls) {
    if (closed) {
      throw new IllegalStateException("the gateway is shutting down");
    }
    Entry entry = channels.get(serverId);
    if (entry != null
        && entry.target().equals(target)
        && entry.tls() == tls
        && !entry.channel().isShutdown()) {
      return entry.channel();
    }
    if (entry != null) {
      entry.channel().shutdown();
    }
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(
                target, tls ? tlsCredentials : InsecureChannelCredentials.create())
            .intercept(authorization)
            // Callbacks only rewrite a name and hand the answer on: no thread pool hop needed.
            .directExecutor()
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            // Kept open between requests: no idle timeout, and pings keep NATs and proxies open.
            .idleTimeout(30, TimeUnit.DAYS)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .build();
    channels.put(serverId, new Entry(target, tls, channel));
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
                  target == null
                      || !server.getValue().target().equals(target.grpcTarget())
                      || server.getValue().tls() != target.grpcTls();
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
