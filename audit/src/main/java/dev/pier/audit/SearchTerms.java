package dev.pier.audit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The words free-text search matches, computed the same way for every sink.
 *
 * <p>A word is a run of letters and digits, lower-cased; every other character separates words,
 * except that each Han or Hiragana character is a word of its own (those scripts write no spaces).
 * Words longer than {@value #MAX_TERM_LENGTH} characters are cut into pieces of that length. A
 * record's words come from its actor, action, target, endpoint, error, business key values and
 * payloads; each payload is read up to {@value #MAX_SCANNED_CHARS} characters and a record keeps at
 * most {@value #MAX_TERMS} distinct words, so a huge tensor cannot make a huge index entry.
 *
 * <p>Both sinks store these words (PostgreSQL as an array, Elasticsearch as a text field whose
 * standard analyzer leaves such words as they are) and tokenize queries with {@link #ofText}, so a
 * free-text query matches the same records on either.
 */
public final class SearchTerms {
  public static final int MAX_TERM_LENGTH = 255;
  public static final int MAX_TERMS = 4_096;
  public static final int MAX_SCANNED_CHARS = 65_536;

  private SearchTerms() {}

  /** The distinct words of a record, in the order first seen. */
  public static List<String> of(AuditRecord record) {
    LinkedHashSet<String> terms = new LinkedHashSet<>();
    add(terms, record.actor());
    add(terms, record.action());
    add(terms, record.target());
    add(terms, record.endpoint());
    add(terms, record.error());
    for (String value : record.businessKeys().values()) {
      add(terms, value);
    }
    add(terms, record.before());
    add(terms, record.after());
    add(terms, record.inputs());
    add(terms, record.outputs());
    return List.copyOf(terms);
  }

  /** The distinct words of a free-text query; a record matches when it has all of them. */
  public static List<String> ofText(String text) {
    LinkedHashSet<String> terms = new LinkedHashSet<>();
    if (text != null) {
      tokenize(terms, text, text.length(), Integer.MAX_VALUE);
    }
    return List.copyOf(terms);
  }

  /** How a business key is stored and matched: {@code name=value}. */
  public static String businessKeyTerm(String name, String value) {
    return name + "=" + value;
  }

  /** The business keys of a record as stored terms. */
  public static List<String> businessKeyTerms(AuditRecord record) {
    List<String> terms = new ArrayList<>(record.businessKeys().size());
    for (Map.Entry<String, String> key : record.businessKeys().entrySet()) {
      terms.add(businessKeyTerm(key.getKey(), key.getValue()));
    }
    return terms;
  }

  private static void add(LinkedHashSet<String> terms, String text) {
    if (text != null && terms.size() < MAX_TERMS) {
      tokenize(terms, text, Math.min(text.length(), MAX_SCANNED_CHARS), MAX_TERMS);
    }
  }

  private static void tokenize(LinkedHashSet<String> terms, String text, int end, int maxTerms) {
    StringBuilder word = new StringBuilder();
    int index = 0;
    while (index < end && terms.size() < maxTerms) {
      int codePoint = text.codePointAt(index);
      index += Character.charCount(codePoint);
      if (standsAlone(codePoint)) {
        flush(terms, word);
        terms.add(new String(Character.toChars(codePoint)));
      } else if (Character.isLetterOrDigit(codePoint)) {
        int lower = Character.toLowerCase(codePoint);
        if (word.length() + Character.charCount(lower) > MAX_TERM_LENGTH) {
          flush(terms, word);
        }
        word.appendCodePoint(lower);
      } else {
        flush(terms, word);
      }
    }
    if (terms.size() < maxTerms) {
      flush(terms, word);
    }
  }

  private static boolean standsAlone(int codePoint) {
    Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
    return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA;
  }

  private static void flush(LinkedHashSet<String> terms, StringBuilder word) {
    if (!word.isEmpty()) {
      terms.add(word.toString());
      word.setLength(0);
    }
  }
}
