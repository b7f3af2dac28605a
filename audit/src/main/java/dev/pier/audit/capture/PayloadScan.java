package dev.pier.audit.capture;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * What one streaming pass learns about an OIP body: the text of its {@code inputs} or {@code
 * outputs} member as sent, its {@code error}, and for a request whether it could be a batch. Most
 * requests carry one instance; for them this pass is all the audit trail reads, and no tree of
 * {@code BigDecimal}s is built and written back.
 *
 * @param json whether the body is JSON at all
 * @param judged false when the body holds something this pass does not judge (a scalar member,
 *     content after the document): the tree then decides
 * @param member the member's text (an array or object) as sent, or null when absent
 * @param memberIsArray whether that member is an array
 * @param error the top-level {@code error} string, or null
 * @param id the top-level {@code id} string when not blank (the OIP request id), or null
 * @param batchSize for a request, the common first dimension of its inputs when each can be sliced
 *     along it ({@link InferenceRecords}'s rule), else 1
 */
record PayloadScan(
    boolean json,
    boolean judged,
    String member,
    boolean memberIsArray,
    String error,
    String id,
    int batchSize) {
  private static final PayloadScan NOT_JSON =
      new PayloadScan(false, true, null, false, null, null, 1);

  /** Scans {@code body} for the top-level {@code memberName}, {@code error} and {@code id}. */
  static PayloadScan of(String body, String memberName, boolean countBatch) {
    if (body == null || body.isBlank()) {
      return NOT_JSON;
    }
    try (JsonParser parser = Payloads.mapper().createParser(body)) {
      JsonToken root = parser.nextToken();
      String member = null;
      boolean isArray = false;
      String error = null;
      String id = null;
      boolean judged = true;
      int batchSize = 1;
      if (root == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if (name.equals(memberName)) {
            if (value != JsonToken.START_ARRAY && value != JsonToken.START_OBJECT) {
              judged = false;
              parser.skipChildren();
              continue;
            }
            int start = (int) parser.currentTokenLocation().getCharOffset();
            isArray = value == JsonToken.START_ARRAY;
            batchSize = isArray && countBatch ? batchSize(parser) : 1;
            parser.skipChildren();
            int end = (int) parser.currentTokenLocation().getCharOffset() + 1;
            member = body.substring(start, end);
          } else if (name.equals("error")) {
            error = value == JsonToken.VALUE_STRING ? parser.getString() : null;
            parser.skipChildren();
          } else if (name.equals("id")) {
            id =
                value == JsonToken.VALUE_STRING && !parser.getString().isBlank()
                    ? parser.getString()
                    : null;
            parser.skipChildren();
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
      judged &= parser.nextToken() == null;
      return new PayloadScan(true, judged, member, isArray, error, id, batchSize);
    } catch (JacksonException e) {
      return NOT_JSON;
    }
  }

  /**
   * Reads the tensors of an inputs array (the parser at its start, left at its end): their common
   * first dimension if each tensor's data has exactly the elements its shape says, else 1.
   */
  private static int batchSize(JsonParser parser) {
    int count = -1;
    boolean sliceable = true;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      long first = sliceable ? firstDimension(parser) : skip(parser);
      if (first < 0 || (count >= 0 && first != count)) {
        sliceable = false;
      } else {
        count = (int) first;
      }
    }
    return sliceable ? Math.max(count, 1) : 1;
  }

  private static long skip(JsonParser parser) {
    parser.skipChildren();
    return -1;
  }

  /** One tensor (the parser at its start, left at its end): its first dimension, or -1. */
  private static long firstDimension(JsonParser parser) {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      return skip(parser);
    }
    long elements = -1;
    long first = -1;
    long leaves = -1;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals("shape")) {
        elements = -1;
        if (value == JsonToken.START_ARRAY) {
          long[] shape = shape(parser);
          elements = shape[0];
          first = shape[1];
        } else {
          parser.skipChildren();
        }
      } else if (name.equals("data")) {
        leaves = value == JsonToken.START_ARRAY ? leaves(parser) : skip(parser);
      } else {
        parser.skipChildren();
      }
    }
    return elements >= 0 && leaves == elements && first <= Integer.MAX_VALUE ? first : -1;
  }

  /** {element count or -1, first dimension}; the parser left at the shape's end. */
  private static long[] shape(JsonParser parser) {
    long elements = 1;
    long first = -1;
    boolean valid = true;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
          || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || parser.getLongValue() < 0) {
        valid = false;
        parser.skipChildren();
        continue;
      }
      if (valid) {
        long dimension = parser.getLongValue();
        first = first < 0 ? dimension : first;
        elements = multiplyWithin(elements, dimension);
        valid = elements >= 0;
      }
    }
    return valid && first >= 0 ? new long[] {elements, first} : new long[] {-1, -1};
  }

  /** -1 when the product leaves the int range, as a tensor that large is not sliced. */
  private static long multiplyWithin(long elements, long dimension) {
    long product = elements * dimension;
    return dimension != 0 && product / dimension != elements || product > Integer.MAX_VALUE
        ? -1
        : product;
  }

  /** The leaves of a (nested) data array; an object counts as one. The parser left at its end. */
  private static long leaves(JsonParser parser) {
    long leaves = 0;
    int depth = 1;
    while (depth > 0) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_ARRAY) {
        depth--;
      } else {
        parser.skipChildren();
        leaves++;
      }
    }
    return leaves;
  }
}
