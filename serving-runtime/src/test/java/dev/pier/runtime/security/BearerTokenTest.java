package dev.pier.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  private final BearerToken token = BearerToken.of("s3cret-token");

  @Test
  void acceptsExactlyTheTokenUnderTheBearerScheme() {
    assertThat(token.required()).isTrue();
    assertThat(token.accepts("Bearer s3cret-token")).isTrue();
    assertThat(token.accepts("bearer s3cret-token")).as("the scheme is case-insensitive").isTrue();
    assertThat(token.accepts("Bearer   s3cret-token ")).as("spaces around the token").isTrue();

    assertThat(token.accepts(null)).isFalse();
    assertThat(token.accepts("")).isFalse();
    assertThat(token.accepts("Bearer ")).isFalse();
    assertThat(token.accepts("s3cret-token")).as("no scheme").isFalse();
    assertThat(token.accepts("Basic s3cret-token")).isFalse();
    assertThat(token.accepts("Bearer s3cret-toke")).as("a prefix").isFalse();
    assertThat(token.accepts("Bearer s3cret-tokens")).as("a longer token").isFalse();
    assertThat(token.accepts("Bearer S3CRET-TOKEN")).as("the token is case-sensitive").isFalse();
    assertThat(token.accepts("Bearer s3cret\u0000token")).isFalse();
  }

  @Test
  void noTokenAcceptsEveryCallerAndNothingPrintsTheToken() {
    assertThat(BearerToken.of("")).isSameAs(BearerToken.NONE);
    assertThat(BearerToken.NONE.required()).isFalse();
    assertThat(BearerToken.NONE.accepts(null)).isTrue();
    assertThat(token.toString()).doesNotContain("s3cret");
  }
}
