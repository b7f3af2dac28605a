package dev.pier.audit.chain;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.Outcome;
import dev.pier.audit.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class HashChainTest {
  private static final SigningKey KEY =
      SigningKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @Test
  void eachStreamCountsFromOneAndLinksToThePreviousRecord() {
    HashChain chain = new HashChain(Map.of(), Optional.empty());

    AuditRecord a1 = chain.append("a", TestRecords.inference(T0, "1", "iris"));
    AuditRecord b1 = chain.append("b", TestRecords.inference(T0, "2", "iris"));
    AuditRecord a2 = chain.append("a", TestRecords.inference(T0, "3", "iris"));

    assertThat(a1.sequence()).isEqualTo(1);
    assertThat(a1.previousHash()).isEqualTo(HashChain.GENESIS_HASH);
    assertThat(b1.sequence()).isEqualTo(1);
    assertThat(a2.sequence()).isEqualTo(2);
    assertThat(a2.previousHash()).isEqualTo(a1.hash());
    assertThat(a1.hash()).matches("[0-9a-f]{64}");
    assertThat(HashChain.hash(a2)).isEqualTo(a2.hash());
    assertThat(chain.heads())
        .containsEntry("a", ChainHead.of(a2))
        .containsEntry("b", ChainHead.of(b1));
    assertThat(a1.signature()).isNull();
  }

  /**
   * Records sealed by earlier releases must still verify: the encoding of version 1 never changes.
   * The hashes are what the first release computed for these records.
   */
  @Test
  void theEncodingOfVersionOneNeverChanges() {
    HashChain chain = new HashChain(Map.of(), Optional.empty());
    AuditRecord everything =
        chain.append(
            "pinned", withId(TestRecords.everything(T0), "01936a4e-0000-7000-8000-000000000001"));
    AuditRecord admin =
        chain.append(
            "pinned",
            withId(
                TestRecords.admin(T0.plusNanos(1_000), "ädmin", "endpoint.update", "e/ï"),
                "01936a4e-0000-7000-8000-000000000002"));

    assertThat(everything.hash())
        .isEqualTo("f404c9e908c027c3b01643ed539b63dd58c8a547e4ddf643710655dcf803ca1e");
    assertThat(admin.hash())
        .isEqualTo("bedc6b5bfac560fe23d757b20fc3cbe27c8892a308aebcfd2d7e746b195b053e");
  }

  private static AuditRecord withId(AuditRecord record, String id) {
    ObjectNode json =
        (ObjectNode) AuditRecordJson.mapper().readTree(AuditRecordJson.toBytes(record));
    return AuditRecordJson.fromJson(json.put("id", id).toString());
  }

  @Test
  void aChainContinuesFromTheHeadItIsGiven() {
    HashChain first = new HashChain(Map.of(), Optional.empty());
    first.append("a", TestRecords.inference(T0, "1", "iris"));
    AuditRecord second = first.append("a", TestRecords.inference(T0, "2", "iris"));

    HashChain resumed = new HashChain(first.heads(), Optional.empty());
    AuditRecord third = resumed.append("a", TestRecords.inference(T0, "3", "iris"));

    assertThat(third.sequence()).isEqualTo(3);
    assertThat(third.previousHash()).isEqualTo(second.hash());
  }

  @Test
  void theHashCoversEveryField() {
    ObjectNode json =
        (ObjectNode)
            AuditRecordJson.mapper().readTree(AuditRecordJson.toBytes(TestRecords.everything(T0)));
    json.put("before", "{\"v\":1}").put("after", "{\"v\":2}");
    AuditRecord base = AuditRecordJson.fromJson(json.toString());
    Set<String> hashes = new HashSet<>();
    hashes.add(seal(base).hash());
    int changed = 0;
    for (String field : List.copyOf(json.propertyNames())) {
      ObjectNode altered = json.deepCopy();
      JsonNode value = json.get(field);
      switch (field) {
        case "time" -> altered.put(field, base.time().plusNanos(1_000).toString());
        case "kind" -> altered.put(field, "ADMIN");
        case "outcome" -> altered.put(field, "SUCCESS");
        case "business_keys" -> ((ObjectNode) altered.get(field)).put("customer_id", "C-43");
        default -> {
          if (value.isBoolean()) {
            altered.put(field, !value.booleanValue());
          } else if (value.isNumber()) {
            altered.put(
                field, "instance_count".equals(field) ? value.asLong() + 1 : value.asLong() - 1);
          } else {
            altered.put(field, value.stringValue() + "x");
          }
        }
      }
      hashes.add(seal(AuditRecordJson.fromJson(altered.toString())).hash());
      changed++;
    }

    assertThat(changed).isEqualTo(AuditRecordJson.FIELDS.size() - 5);
    assertThat(hashes).as("every field changes the hash").hasSize(changed + 1);
    assertThat(seal(base.withPayload(base.inputs(), null)).hash()).isNotIn(hashes);
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    AuditRecord left =
        AuditRecord.admin(T0, "ab", "x", "c", null, null, null, Outcome.SUCCESS).withId("id-1");
    AuditRecord right =
        AuditRecord.admin(T0, "a", "x", "bc", null, null, null, Outcome.SUCCESS).withId("id-1");
    AuditRecord empty =
        AuditRecord.admin(T0, "", "x", null, null, null, null, Outcome.SUCCESS).withId("id-1");
    AuditRecord absent =
        AuditRecord.admin(T0, null, "x", null, null, null, null, Outcome.SUCCESS).withId("id-1");

    assertThat(seal(left).hash()).isNotEqualTo(seal(right).hash());
    assertThat(seal(empty).hash()).as("empty is not null").isNotEqualTo(seal(absent).hash());
  }

  @Test
  void aKeySignsEachHash() {
    HashChain chain = new HashChain(Map.of(), Optional.of(KEY));

    AuditRecord record = chain.append("a", TestRecords.inference(T0, "1", "iris"));

    assertThat(record.signature()).matches("[0-9a-f]{64}");
    assertThat(KEY.verifies(record.hash(), record.signature())).isTrue();
    assertThat(SigningKey.of(new byte[32]).verifies(record.hash(), record.signature())).isFalse();
    assertThat(KEY.verifies(record.hash(), null)).isFalse();
    assertThatThrownBy(() -> SigningKey.of(new byte[16])).hasMessageContaining("32 bytes");
  }

  @Test
  void aSealedRecordIsNotSealedAgain() {
    HashChain chain = new HashChain(Map.of(), Optional.empty());
    AuditRecord sealed = chain.append("a", TestRecords.inference(T0, "1", "iris"));

    assertThatThrownBy(() -> chain.append("a", sealed))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static AuditRecord seal(AuditRecord record) {
    return new HashChain(Map.of(), Optional.empty()).append("s", record);
  }
}
