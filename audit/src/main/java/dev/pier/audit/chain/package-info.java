/**
 * Tamper evidence: {@link dev.pier.audit.chain.HashChain} seals records into streams (consecutive
 * sequence numbers, each record's SHA-256 over a canonical, versioned encoding of its fields and
 * the previous record's hash, optionally an HMAC-SHA256 signature with a configured {@link
 * dev.pier.audit.chain.SigningKey}); {@link dev.pier.audit.chain.ChainVerifier} reads a stream back
 * from a sink and reports the first broken, missing or duplicated link. Nothing here does I/O
 * except through the {@link dev.pier.audit.AuditSink} it is given.
 */
package dev.pier.audit.chain;
