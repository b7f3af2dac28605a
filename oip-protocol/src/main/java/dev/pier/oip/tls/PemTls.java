package dev.pier.oip.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds JDK TLS key and trust managers from PEM files: a certificate chain (leaf first) with its
 * unencrypted PKCS#8 private key (RSA or EC), and CA bundles. The same managers serve the JDK's
 * {@code SSLContext} (HTTPS, {@code SSLSocket}, {@code HttpClient}) and grpc-java's {@code
 * TlsServerCredentials}/{@code TlsChannelCredentials}.
 *
 * <p>Everything is read and checked at once, so a bad file stops startup: an unreadable path, a
 * file without the expected PEM block, an encrypted or PKCS#1/SEC1 key, or a key that does not
 * belong to the certificate fails with an {@link IllegalArgumentException} whose message starts
 * with the file's setting. Nothing read here is ever part of a message.
 */
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /** Key stores built here live in memory only; the password protects nothing. */
  private static final char[] IN_MEMORY = "pier".toCharArray();

  private PemTls() {}

  /** The certificates of a PEM file, in file order; at least one. */
  public static List<X509Certificate> certificates(PemFile file) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(file)) {
        if (block.type().equals("CERTIFICATE")) {
          certificates.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw invalid(file, "holds a certificate that cannot be read: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw invalid(file, "has no '-----BEGIN CERTIFICATE-----' block");
    }
    return List.copyOf(certificates);
  }

  /** The private key of a PEM file: an unencrypted PKCS#8 RSA or EC key. */
  public static PrivateKey privateKey(PemFile file) {
    for (Block block : blocks(file)) {
      switch (block.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(file, block.der());
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw invalid(
                file,
                "holds an encrypted key; Pier needs an unencrypted PKCS#8 key (openssl pkcs8"
                    + " -topk8 -nocrypt) in a file only its user can read");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw invalid(
                file,
                "holds a "
                    + block.type()
                    + " (PKCS#1/SEC1); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
        default -> {
          // certificates or parameters beside the key: skipped
        }
      }
    }
    throw invalid(file, "has no '-----BEGIN PRIVATE KEY-----' block");
  }

  /**
   * Key managers presenting {@code certificateChain} (leaf first) with {@code privateKey}.
   *
   * @throws IllegalArgumentException naming a setting when a file is bad, or naming both when the
   *     key does not belong to the leaf certificate
   */
  public static KeyManager[] keyManagers(PemFile certificateChain, PemFile privateKey) {
    List<X509Certificate> chain = certificates(certificateChain);
    PrivateKey key = privateKey(privateKey);
    if (!belongsTo(key, chain.getFirst())) {
      throw new IllegalArgumentException(
          privateKey.setting()
              + ": the key in "
              + privateKey.path()
              + " does not belong to the first certificate of "
              + certificateChain.setting()
              + " ("
              + certificateChain.path()
              + ")");
    }
    try {
      KeyStore store = emptyStore();
      store.setKeyEntry("pier", key, IN_MEMORY, chain.toArray(Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw invalid(privateKey, "cannot be used with its certificate: " + e.getMessage());
    }
  }

  /** Trust managers that accept peers whose chain ends at one of the bundle's certificates. */
  public static TrustManager[] trustManagers(PemFile bundle) {
    List<X509Certificate> anchors = certificates(bundle);
    try {
      KeyStore store = emptyStore();
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("trusted-" + i, anchors.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw invalid(bundle, "cannot be used as trusted certificates: " + e.getMessage());
    }
  }

  /**
   * A TLS context with these managers; null key managers present no certificate, null trust
   * managers trust the JDK's default certificate authorities.
   */
  public static SSLContext sslContext(KeyManager[] keyManagers, TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has TLS", e);
    }
  }

  private static PrivateKey pkcs8(PemFile file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK has " + algorithm, e);
      }
    }
    throw invalid(file, "holds a PKCS#8 key that is neither RSA nor EC");
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    byte[] probe = "pier key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty key store needs no input", e);
    }
    return store;
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(PemFile file) {
    String text;
    try {
      // Latin-1 decodes any bytes: a binary (DER) file then fails as "not a PEM file".
      text = new String(Files.readAllBytes(file.path()), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw invalid(file, "cannot be read: " + e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      try {
        blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
      } catch (IllegalArgumentException e) {
        throw invalid(file, "has a " + matcher.group(1) + " block that is not valid base64");
      }
    }
    if (blocks.isEmpty()) {
      throw invalid(file, "is not a PEM file (no '-----BEGIN ...-----' block)");
    }
    return blocks;
  }

  private static IllegalArgumentException invalid(PemFile file, String problem) {
    return new IllegalArgumentException(file.setting() + ": " + file.path() + " " + problem);
  }
}
