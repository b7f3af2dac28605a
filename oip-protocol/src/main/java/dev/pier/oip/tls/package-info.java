/**
 * TLS material for the OIP data path, read from PEM files the way operators hold it (an X.509
 * chain, an unencrypted PKCS#8 key, a CA bundle): the runtime's REST and gRPC servers and the
 * control plane's clients to runtimes build their contexts from the same code, so a file that one
 * side accepts the other accepts too. Plain JDK security APIs only; every failure names the setting
 * the file came from.
 */
package dev.pier.oip.tls;
