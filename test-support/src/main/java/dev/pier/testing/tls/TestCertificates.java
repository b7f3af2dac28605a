package dev.pier.testing.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority for tests, and certificates it issues, as the PEM files Pier is
 * configured with. Keys and certificates come from the JDK's {@code keytool} run as a child process
 * (no internal JDK classes); the PEM files are written here from its PKCS12 key stores.
 *
 * <p>Every issued certificate is valid for {@code 127.0.0.1} and {@code localhost}, for servers and
 * clients alike, for two days.
 */
public final class TestCertificates {
  private static final String PASSWORD = "test-only";

  private final Path directory;
  private final Path authorityStore;
  private final Path authorityCertificate;

  /** A certificate and its key, as PEM files. */
  public record Issued(Path certificate, Path privateKey) {}

  private TestCertificates(Path directory, Path authorityStore, Path authorityCertificate) {
    this.directory = directory;
    this.authorityStore = authorityStore;
    this.authorityCertificate = authorityCertificate;
  }

  /** Creates a new certificate authority (EC P-256) with its files in {@code directory}. */
  public static TestCertificates authority(Path directory, String name) {
    Path store = directory.resolve(name + "-ca.p12");
    generateKeyPair(store, "ca", "CN=" + name + " test authority", "EC", "-ext", "bc:c");
    Path certificate = directory.resolve(name + "-ca.pem");
    KeyStore keys = load(store);
    try {
      write(certificate, pem("CERTIFICATE", keys.getCertificate("ca").getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new TestCertificates(directory, store, certificate);
  }

  /** The authority's own certificate, to trust what it issued. */
  public Path certificate() {
    return authorityCertificate;
  }

  /**
   * Issues a certificate for {@code name} with a new key.
   *
   * @param keyAlgorithm {@code RSA} (2048 bits) or {@code EC} (P-256)
   * @return the chain (the certificate, then the authority's) and the unencrypted PKCS#8 key
   */
  public Issued issue(String name, String keyAlgorithm) {
    Path store = directory.resolve(name + ".p12");
    generateKeyPair(store, name, "CN=" + name, keyAlgorithm);
    Path request = directory.resolve(name + ".csr");
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        request.toString());
    Path signed = directory.resolve(name + ".crt");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        authorityStore.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        request.toString(),
        "-outfile",
        signed.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-ext",
        "EKU=serverAuth,clientAuth");
    try {
      Key key = load(store).getKey(name, PASSWORD.toCharArray());
      Path certificate = directory.resolve(name + "-chain.pem");
      write(
          certificate,
          Files.readString(signed, StandardCharsets.US_ASCII).strip()
              + "\n"
              + Files.readString(authorityCertificate, StandardCharsets.US_ASCII));
      Path privateKey = directory.resolve(name + "-key.pem");
      write(privateKey, pem("PRIVATE KEY", key.getEncoded()));
      return new Issued(certificate, privateKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new key pair (RSA 2048 or EC P-256) with a self-signed certificate in a PKCS12 store. */
  private static void generateKeyPair(
      Path store, String alias, String subject, String keyAlgorithm, String... extra) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                subject,
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keyalg",
                keyAlgorithm));
    arguments.addAll(
        keyAlgorithm.equals("EC")
            ? List.of("-groupname", "secp256r1")
            : List.of("-keysize", "2048"));
    arguments.addAll(List.of(extra));
    keytool(arguments.toArray(String[]::new));
  }

  /** PEM text of one DER block, 64 characters a line. */
  public static String pem(String type, byte[] der) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }

  private static KeyStore load(Path store) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "keytool failed: " + command + "\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
