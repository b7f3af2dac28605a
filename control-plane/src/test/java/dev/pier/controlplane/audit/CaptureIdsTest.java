package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.AuditRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CaptureIdsTest {
  private static final Instant TIME = Instant.parse("2026-12-02T04:00:00.123456Z");
  private final CaptureIds ids = new CaptureIds(new long[] {0x1234_5678_9ABC_DEF0L, -42L});

  @Test
  void anIdNamesItsCaptureAndInstanceAndIsTheSameWhenMadeAgain() {
    for (long sequence : new long[] {1, 2, 1L << 30, (1L << 44) - 1}) {
      for (int instance : new int[] {0, 1, 7, CaptureIds.MAX_INSTANCES - 1}) {
        String id = ids.id(TIME, sequence, instance);
        assertThat(ids.id(TIME, sequence, instance)).isEqualTo(id);
        assertThat(ids.origin(id)).hasValue(new CaptureIds.Origin(sequence, instance));
      }
    }
  }

  @Test
  void idsAreTimeOrderedVersion7UuidsAndDistinct() {
    UUID uuid = UUID.fromString(ids.id(TIME, 5, 0));
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(TIME.toEpochMilli());
    Set<String> distinct = new HashSet<>();
    for (long sequence = 1; sequence <= 200; sequence++) {
      for (int instance = 0; instance < 5; instance++) {
        distinct.add(ids.id(TIME, sequence, instance));
      }
    }
    assertThat(distinct).hasSize(1_000);
  }

  @Test
  void idsOfAnotherLogOrRandomIdsNameNoCapture() {
    CaptureIds other = new CaptureIds(new long[] {7, 9});
    int matched = 0;
    for (long sequence = 1; sequence <= 1_000; sequence++) {
      if (ids.origin(other.id(TIME, sequence, 0)).isPresent()
          || ids.origin(AuditRecord.newId(TIME)).isPresent()) {
        matched++;
      }
    }
    assertThat(matched).as("at most a few in 2,000 pass the 10-bit tag").isLessThan(20);
    assertThat(ids.origin("not-a-uuid")).isEmpty();
    assertThat(ids.origin(UUID.randomUUID().toString())).as("version 4").isEmpty();
  }

  @Test
  void originsCompareByCaptureThenInstance() {
    CaptureIds.Origin origin = new CaptureIds.Origin(10, 2);
    assertThat(origin.isAfter(10, 1)).isTrue();
    assertThat(origin.isAfter(9, 5)).isTrue();
    assertThat(origin.isAfter(10, 2)).isFalse();
    assertThat(origin.isAfter(11, 0)).isFalse();
  }
}
