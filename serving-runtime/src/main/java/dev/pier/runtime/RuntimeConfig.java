package dev.pier.runtime;

import dev.pier.runtime.model.ModelConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's settings, typed and validated at start. Each setting has one key, spelled {@code
 * --http-port} on the command line, {@code PIER_HTTP_PORT} in the environment and {@code http-port}
 * in a {@code --config} properties file; the command line wins over the environment, which wins
 * over the file. An unknown key or a bad value stops startup with a message naming the key.
 */
public record RuntimeConfig(
    Path modelRepository,
    String host,
    int httpPort,
    int grpcPort,
    int metricsPort,
    int httpThreads,
    int grpcThreads,
    long maxRequestBytes,
    long memoryBudgetBytes,
    long maxArtifactBytes,
    int intraOpThreads,
    int interOpThreads,
    ModelConfig.ExecutionProvider executionProvider,
    int maxQueueSize,
    int loadThreads,
    Duration shutdownGrace,
    String controlPlaneUrl,
    String controlPlaneToken,
    String advertiseHost,
    String serverName,
    List<String> capabilities,
    Duration heartbeatInterval,
    String authToken,
    Path tlsCertificate,
    Path tlsPrivateKey,
    Path tlsClientCa,
    Path controlPlaneCa) {

  /** Default worker threads per front end: two per processor, at least four. */
  static final int WORKERS_PER_PROCESSOR_DEFAULT =
      Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  /** Every key with its default, in the order {@code --help} lists them. */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("model-repository", "models");
    defaults.put("host", "0.0.0.0");
    defaults.put("http-port", "8000");
    defaults.put("grpc-port", "8001");
    defaults.put("metrics-port", "8002");
    // Requests waiting for a batch hold no thread, so a few per core keep every core busy.
    defaults.put("http-threads", Integer.toString(WORKERS_PER_PROCESSOR_DEFAULT));
    defaults.put("grpc-threads", Integer.toString(WORKERS_PER_PROCESSOR_DEFAULT));
    defaults.put("max-request-size", "64MiB");
    defaults.put("memory-budget", "0");
    defaults.put("max-artifact-size", "4GiB");
    defaults.put("intra-op-threads", "1");
    defaults.put("inter-op-threads", "1");
    defaults.put("execution-provider", "cpu");
    defaults.put("max-queue-size", "1024");
    defaults.put("load-threads", "4");
    defaults.put("shutdown-grace", "10s");
    // Empty: standalone, no control plane. Otherwise its base URL, e.g. http://pier:8080.
    defaults.put("control-plane-url", "");
    defaults.put("control-plane-token", "");
    // Empty: the host, or 127.0.0.1 when the host is the wildcard 0.0.0.0 (or ::).
    defaults.put("advertise-host", "");
    // Empty: <hostname>-<actual http port>, decided once the server listens.
    defaults.put("server-name", "");
    defaults.put("capabilities", "onnx,cpu");
    defaults.put("heartbeat-interval", "5s");
    // Empty: every caller is served. Never logged; pass it in the environment (PIER_AUTH_TOKEN),
    // where other users of the machine cannot read it as they can a command line.
    defaults.put("auth-token", "");
    // Empty: plain HTTP and gRPC. Both set: TLS on the REST and gRPC ports (not on metrics).
    defaults.put("tls-certificate", "");
    defaults.put("tls-private-key", "");
    // Empty: clients present no certificate. Set: mutual TLS, clients need one signed by it.
    defaults.put("tls-client-ca", "");
    // Empty: an https control plane is trusted by the JDK's certificate authorities.
    defaults.put("control-plane-ca", "");
    return java.util.Collections.unmodifiableMap(defaults);
  }

  /** One line of {@code --help} per key, in the order of {@link #DEFAULTS}. */
  static final Map<String, String> DESCRIPTIONS = descriptions();

  private static Map<String, String> descriptions() {
    Map<String, String> descriptions = new LinkedHashMap<>();
    descriptions.put("model-repository", "directory of <model>/<version>/model.onnx");
    descriptions.put("host", "address the REST, gRPC and metrics ports bind");
    descriptions.put("http-port", "OIP REST port (0 picks a free one)");
    descriptions.put("grpc-port", "OIP gRPC port (0 picks a free one)");
    descriptions.put(
        "metrics-port",
        "Prometheus /metrics port; plain HTTP without authentication, so scrapers need nothing");
    descriptions.put("http-threads", "REST worker threads");
    descriptions.put("grpc-threads", "gRPC inference threads");
    descriptions.put("max-request-size", "largest request body or message, e.g. 64MiB");
    descriptions.put("memory-budget", "model memory before least-recently-used eviction; 0 = none");
    descriptions.put("max-artifact-size", "largest artifact the load API downloads");
    descriptions.put("intra-op-threads", "ONNX Runtime threads inside one operator");
    descriptions.put("inter-op-threads", "ONNX Runtime threads across operators");
    descriptions.put("execution-provider", "cpu or cuda");
    descriptions.put("max-queue-size", "requests in flight per model before 503");
    descriptions.put("load-threads", "models loaded in parallel at start");
    descriptions.put("shutdown-grace", "how long in-flight requests may finish at shutdown");
    descriptions.put(
        "control-plane-url", "register with this control plane, e.g. https://pier:8080");
    descriptions.put(
        "control-plane-token",
        "bearer token for registration, heartbeats and artifact downloads from the control plane"
            + " (only to URLs under control-plane-url)");
    descriptions.put(
        "advertise-host",
        "host in the URLs sent to the control plane; unset, host (127.0.0.1 for 0.0.0.0)");
    descriptions.put("server-name", "name to register under; unset, <hostname>-<http port>");
    descriptions.put("capabilities", "comma-separated capabilities to register");
    descriptions.put("heartbeat-interval", "time between heartbeats");
    descriptions.put(
        "auth-token",
        "bearer token every REST request and gRPC call must carry, except REST"
            + " /v2/health/live|ready and the gRPC health service; set it as PIER_AUTH_TOKEN");
    descriptions.put(
        "tls-certificate", "PEM certificate chain (leaf first): REST and gRPC serve TLS");
    descriptions.put(
        "tls-private-key", "PEM unencrypted PKCS#8 key (RSA or EC) of tls-certificate");
    descriptions.put(
        "tls-client-ca", "PEM CA bundle: mutual TLS, clients must present a certificate it signed");
    descriptions.put("control-plane-ca", "PEM CA bundle trusted for an https control-plane-url");
    return java.util.Collections.unmodifiableMap(descriptions);
  }

  /** A setting that cannot be used; the message names the key. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  /**
   * Resolves the settings from the command line, the environment and an optional {@code --config}
   * file.
   */
  public static RuntimeConfig resolve(String[] args, Map<String, String> environment)
      throws ConfigException {
    Map<String, String> commandLine = parseArguments(args);
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    String configFile =
        commandLine.getOrDefault("config", environment.get(environmentName("config")));
    if (configFile != null) {
      values.putAll(readFile(Path.of(configFile)));
    }
    for (String key : DEFAULTS.keySet()) {
      String fromEnvironment = environment.get(environmentName(key));
      if (fromEnvironment != null) {
        values.put(key, fromEnvironment);
      }
    }
    commandLine.remove("config");
    values.putAll(commandLine);
    return new RuntimeConfig(
        Path.of(values.get("model-repository")),
        values.get("host"),
        port(values, "http-port"),
        port(values, "grpc-port"),
        port(values, "metrics-port"),
        positive(values, "http-threads"),
        positive(values, "grpc-threads"),
        size(values, "max-request-size", 1),
        size(values, "memory-budget", 0),
        size(values, "max-artifact-size", 1),
        positive(values, "intra-op-threads"),
        positive(values, "inter-op-threads"),
        executionProvider(values),
        positive(values, "max-queue-size"),
        positive(values, "load-threads"),
        duration(values, "shutdown-grace"),
        controlPlaneUrl(values),
        values.get("control-plane-token").trim(),
        advertiseHost(values),
        values.get("server-name").trim(),
        capabilities(values),
        positiveDuration(values, "heartbeat-interval"),
        authToken(values),
        tlsPair(values, "tls-certificate", "tls-private-key"),
        tlsPair(values, "tls-private-key", "tls-certificate"),
        tlsClientCa(values),
        optionalPath(values, "control-plane-ca"));
  }

  /** Whether the REST and gRPC front ends serve TLS. */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /** The settings without their secrets: tokens show as set or not, never their value. */
  @Override
  public String toString() {
    return "RuntimeConfig[modelRepository="
        + modelRepository
        + ", host="
        + host
        + ", httpPort="
        + httpPort
        + ", grpcPort="
        + grpcPort
        + ", metricsPort="
        + metricsPort
        + ", controlPlaneUrl="
        + controlPlaneUrl
        + ", controlPlaneToken="
        + (controlPlaneToken.isEmpty() ? "unset" : "set")
        + ", authToken="
        + (authToken.isEmpty() ? "unset" : "set")
        + ", tlsCertificate="
        + tlsCertificate
        + ", tlsClientCa="
        + tlsClientCa
        + ", controlPlaneCa="
        + controlPlaneCa
        + "]";
  }

  /** Whether the runtime registers with a control plane. */
  public boolean registers() {
    return !controlPlaneUrl.isEmpty();
  }

  public ModelConfig.Defaults modelDefaults() {
    return new ModelConfig.Defaults(
        maxQueueSize, intraOpThreads, interOpThreads, executionProvider);
  }

  static String environmentName(String key) {
    return "PIER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static Map<String, String> parseArguments(String[] args) throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new ConfigException(
            "unexpected argument '" + arg + "'; settings look like --key value");
      }
      String key = arg.substring(2);
      String value;
      int equals = key.indexOf('=');
      if (equals >= 0) {
        value = key.substring(equals + 1);
        key = key.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException("setting --" + key + " needs a value");
      }
      if (!DEFAULTS.containsKey(key) && !key.equals("config")) {
        throw new ConfigException("unknown setting --" + key + "; known settings: " + knownKeys());
      }
      values.put(key, value);
    }
    return values;
  }

  private static Map<String, String> readFile(Path file) throws ConfigException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("config: cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new ConfigException(
            "unknown setting '" + key + "' in " + file + "; known settings: " + knownKeys());
      }
      values.put(key, properties.getProperty(key).trim());
    }
    return values;
  }

  static String knownKeys() {
    return String.join(", ", DEFAULTS.keySet());
  }

  private static int port(Map<String, String> values, String key) throws ConfigException {
    int port = integer(values, key);
    if (port < 0 || port > 65535) {
      throw new ConfigException(
          key + " must be between 0 and 65535 (0 picks a free port), got " + port);
    }
    return port;
  }

  private static int positive(Map<String, String> values, String key) throws ConfigException {
    int value = integer(values, key);
    if (value < 1) {
      throw new ConfigException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static int integer(Map<String, String> values, String key) throws ConfigException {
    String value = values.get(key).trim();
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer, got '" + value + "'");
    }
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");
  private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** A byte count: a plain number of bytes, or with a unit such as 512MiB or 2GB. */
  static long size(Map<String, String> values, String key, long minimum) throws ConfigException {
    String value = values.get(key).trim();
    Matcher matcher = SIZE.matcher(value);
    if (!matcher.matches()) {
      throw new ConfigException(
          key + " must be a size such as 67108864, 64MiB or 2GB, got '" + value + "'");
    }
    long multiplier =
        switch (matcher.group(2) == null ? "B" : matcher.group(2)) {
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          case "TiB" -> 1L << 40;
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "TB" -> 1_000_000_000_000L;
          default -> 1L;
        };
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ConfigException(key + " is too large: '" + value + "'");
    }
    if (bytes < minimum) {
      throw new ConfigException(
          key + " must be at least " + minimum + " bytes, got '" + value + "'");
    }
    return bytes;
  }

  private static Duration duration(Map<String, String> values, String key) throws ConfigException {
    String value = values.get(key).trim();
    Matcher matcher = DURATION.matcher(value);
    if (!matcher.matches()) {
      throw new ConfigException(
          key + " must be a duration such as 500ms, 10s or 2m, got '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  private static Duration positiveDuration(Map<String, String> values, String key)
      throws ConfigException {
    Duration duration = duration(values, key);
    if (duration.isZero()) {
      throw new ConfigException(key + " must be longer than 0, got '" + values.get(key) + "'");
    }
    return duration;
  }

  private static String controlPlaneUrl(Map<String, String> values) throws ConfigException {
    String value = values.get("control-plane-url").trim();
    if (value.isEmpty()) {
      return value;
    }
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new URISyntaxException(value, "not an http or https URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "control-plane-url must be an http(s) URL such as http://pier:8080, got '" + value + "'");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private static String advertiseHost(Map<String, String> values) {
    String value = values.get("advertise-host").trim();
    if (!value.isEmpty()) {
      return value;
    }
    String host = values.get("host").trim();
    return host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "127.0.0.1" : host;
  }

  /** Token characters of RFC 6750 (b64token), so it fits an Authorization header as it is. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  private static String authToken(Map<String, String> values) throws ConfigException {
    String token = values.get("auth-token").trim();
    if (!token.isEmpty() && !TOKEN.matcher(token).matches()) {
      // The value itself stays out of the message: it may be a secret with a typo.
      throw new ConfigException(
          "auth-token may only hold letters, digits and -._~+/ (then '=' padding), as a bearer"
              + " token must");
    }
    return token;
  }

  private static Path optionalPath(Map<String, String> values, String key) {
    String value = values.get(key).trim();
    return value.isEmpty() ? null : Path.of(value);
  }

  /** A TLS file that needs its partner: the certificate and its key come together. */
  private static Path tlsPair(Map<String, String> values, String key, String partner)
      throws ConfigException {
    Path path = optionalPath(values, key);
    if ((path == null) != (optionalPath(values, partner) == null)) {
      throw new ConfigException(
          "tls-certificate and tls-private-key must be set together, but only "
              + (path == null ? partner : key)
              + " is set");
    }
    return path;
  }

  private static Path tlsClientCa(Map<String, String> values) throws ConfigException {
    Path path = optionalPath(values, "tls-client-ca");
    if (path != null && optionalPath(values, "tls-certificate") == null) {
      throw new ConfigException(
          "tls-client-ca needs tls-certificate and tls-private-key: mutual TLS runs over TLS");
    }
    return path;
  }

  private static List<String> capabilities(Map<String, String> values) throws ConfigException {
    List<String> capabilities = new ArrayList<>();
    for (String capability : values.get("capabilities").split(",")) {
      String trimmed = capability.trim().toLowerCase(Locale.ROOT);
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!CAPABILITY.matcher(trimmed).matches()) {
        throw new ConfigException(
            "capabilities must be a comma-separated list of names such as onnx,cpu, got '"
                + values.get("capabilities")
                + "'");
      }
      if (!capabilities.contains(trimmed)) {
        capabilities.add(trimmed);
      }
    }
    return List.copyOf(capabilities);
  }

  private static ModelConfig.ExecutionProvider executionProvider(Map<String, String> values)
      throws ConfigException {
    String value = values.get("execution-provider").trim();
    for (ModelConfig.ExecutionProvider provider : ModelConfig.ExecutionProvider.values()) {
      if (provider.name().equalsIgnoreCase(value)) {
        return provider;
      }
    }
    throw new ConfigException("execution-provider must be cpu or cuda, got '" + value + "'");
  }
}
