package dev.pier.audit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * <p>An inference record's inputs and outputs give at most {@value #MAX_PAYLOAD_NUMBERS} distinct
 * number words (digits, optionally with an exponent's {@code e} and more digits: what a JSON number
 * leaves between separators). A tabular request's first feature values stay findable, while a
 * tensor of 784 floats no longer gives hundreds of words like {@code 0354315}, whose tokenizing and
 * storing was most of what auditing such a request cost (each is an entry of the sink's search
 * index: in PostgreSQL, 64 of them cost a 784-float record about 50 us of database CPU). Names,
 * data types and string data are always words; identifiers belong in business keys.
 *
 * <p>Both sinks store these words (PostgreSQL as an array, Elasticsearch as a text field whose
 * standard analyzer leaves such words as they are) and tokenize queries with {@link #ofText}, so a
 * free-text query matches the same records on either.
 */
public final class SearchTerms {
  public static final int MAX_TERM_LENGTH = 255;
  public static final int MAX_TERMS = 4_096;
  public static final int MAX_SCANNED_CHARS = 65_536;
  public static final int MAX_PAYLOAD_NUMBERS = 16;

  private SearchTerms() {}

  /** The distinct words of a record, in the order first seen. */
  public static List<String> of(AuditRecord record) {
    Words words = new Words(MAX_TERMS);
    words.scan(record.actor());
    words.scan(record.action());
    words.scan(record.target());
    words.scan(record.endpoint());
    words.scan(record.error());
    for (String value : record.businessKeys().values()) {
      words.scan(value);
    }
    words.scan(record.before());
    words.scan(record.after());
    words.numbersLeft = MAX_PAYLOAD_NUMBERS;
    words.scan(record.inputs());
    words.scan(record.outputs());
    return List.copyOf(words.terms);
  }

  /** The distinct words of a free-text query; a record matches when it has all of them. */
  public static List<String> ofText(String text) {
    Words words = new Words(Integer.MAX_VALUE);
    if (text != null) {
      words.tokenize(text, text.length());
    }
    return List.copyOf(words.terms);
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

  /** The words found so far, and how many more of each kind may be kept. */
  private static final class Words {
    /** Digits and the characters between JSON numbers: {@link #skipPlainNumbers}'s alphabet. */
    private static final boolean[] PLAIN_NUMBER_CHARS = new boolean[128];

    static {
      for (char c : "0123456789,.-+[] \n\r\t".toCharArray()) {
        PLAIN_NUMBER_CHARS[c] = true;
      }
    }

    final LinkedHashSet<String> terms = new LinkedHashSet<>();
    final int maxTerms;
    final StringBuilder word = new StringBuilder();
    int numbersLeft = Integer.MAX_VALUE;

    Words(int maxTerms) {
      this.maxTerms = maxTerms;
    }

    void scan(String text) {
      if (text != null && terms.size() < maxTerms) {
        tokenize(text, Math.min(text.length(), MAX_SCANNED_CHARS));
      }
    }

    /**
     * ASCII, nearly all of a JSON payload, is read a run of letters and digits at a time, without a
     * Unicode table lookup per character; a number no longer kept is skipped without copying.
     */
    void tokenize(String text, int end) {
      int index = 0;
      while (index < end && terms.size() < maxTerms) {
        char c = text.charAt(index);
        if (c < 0x80) {
          if (numbersLeft == 0 && isAsciiDigit(c) && word.isEmpty()) {
            int after = skipNumbers(text, index, end);
            if (after > index) {
              index = after;
              continue;
            }
          }
          if (isAsciiWordChar(c) && word.isEmpty()) {
            int runEnd = index + 1;
            while (runEnd < end && isAsciiWordChar(text.charAt(runEnd))) {
              runEnd++;
            }
            if (runEnd == end || text.charAt(runEnd) < 0x80) {
              addRun(text, index, runEnd);
              index = runEnd;
              continue;
            }
          }
          index++;
          if (isAsciiWordChar(c)) {
            append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
          } else {
            flush();
          }
          continue;
        }
        int codePoint = text.codePointAt(index);
        index += Character.charCount(codePoint);
        if (standsAlone(codePoint)) {
          flush();
          terms.add(new String(Character.toChars(codePoint)));
        } else if (Character.isLetterOrDigit(codePoint)) {
          int lower = Character.toLowerCase(codePoint);
          if (word.length() + Character.charCount(lower) > MAX_TERM_LENGTH) {
            flush();
          }
          word.appendCodePoint(lower);
        } else {
          flush();
        }
      }
      if (terms.size() < maxTerms) {
        flush();
      }
    }

    /**
     * Where a stretch of JSON numbers starting at {@code start} (at a digit, after a non-word
     * character) ends: numbers ({@code 12}, {@code -0.5}, {@code 1.5e-3}) and the commas, brackets
     * and blanks between them, up to the last number not followed by a letter, a digit or any
     * non-ASCII character. Tokenizing that stretch would give number words only, none of which is
     * kept once {@link #numbersLeft} is 0. Numbers without exponents, most tensor data, are read by
     * {@link #skipPlainNumbers}; this loop reads the rest at a few comparisons a character.
     */
    private static int skipNumbers(String text, int start, int end) {
      int plain = skipPlainNumbers(text, start, end);
      if (plain > start) {
        return plain;
      }
      int kept = start;
      int index = start;
      while (index < end) {
        char c = text.charAt(index);
        if (c == '-' && index + 1 < end && isAsciiDigit(text.charAt(index + 1))) {
          c = text.charAt(++index);
        }
        if (!isAsciiDigit(c)) {
          return kept;
        }
        index = digits(text, index, end);
        if (index < end && text.charAt(index) == '.') {
          int fraction = digits(text, index + 1, end);
          if (fraction == index + 1) {
            return kept;
          }
          index = fraction;
        }
        if (index < end && (text.charAt(index) == 'e' || text.charAt(index) == 'E')) {
          int exponent = index + 1;
          if (exponent < end && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
            exponent++;
          }
          int digitsEnd = digits(text, exponent, end);
          if (digitsEnd == exponent) {
            return kept;
          }
          index = digitsEnd;
        }
        if (index < end && continuesAWord(text.charAt(index))) {
          return kept; // part of a longer word, such as 12abc
        }
        kept = index;
        while (index < end && isNumberSeparator(text.charAt(index))) {
          index++;
        }
      }
      return kept;
    }

    /**
     * The common case of {@link #skipNumbers}, at one table lookup a character: a stretch of digits
     * and of {@code , . - + [ ]} and blanks, which separate words. Its words are runs of digits
     * only, all number words; when a word character follows, the last run belongs to a longer word
     * and is left to the caller. Exponents ({@code e}) end the stretch: whether {@code 5e} is a
     * number word is for the careful loop to judge.
     */
    private static int skipPlainNumbers(String text, int start, int end) {
      int index = start;
      while (index < end) {
        char c = text.charAt(index);
        if (c >= PLAIN_NUMBER_CHARS.length || !PLAIN_NUMBER_CHARS[c]) {
          break;
        }
        index++;
      }
      if (index < end && continuesAWord(text.charAt(index))) {
        while (index > start && isAsciiDigit(text.charAt(index - 1))) {
          index--;
        }
      }
      return index;
    }

    /** Whether {@code c} after a run of digits makes them part of a longer word ({@code 12abc}). */
    private static boolean continuesAWord(char c) {
      return isAsciiWordChar(c) || c >= 0x80;
    }

    private static int digits(String text, int start, int end) {
      int index = start;
      while (index < end && isAsciiDigit(text.charAt(index))) {
        index++;
      }
      return index;
    }

    private static boolean isNumberSeparator(char c) {
      return c == ',' || c == ' ' || c == '[' || c == ']' || c == '\n' || c == '\r' || c == '\t';
    }

    /** A whole word of ASCII letters and digits, {@code text[start, end)}. */
    private void addRun(String text, int start, int end) {
      boolean number = numbersLeft != Integer.MAX_VALUE && isNumber(text, start, end);
      if (number && numbersLeft == 0) {
        return;
      }
      for (int piece = start; piece < end && terms.size() < maxTerms; piece += MAX_TERM_LENGTH) {
        String term = text.substring(piece, Math.min(end, piece + MAX_TERM_LENGTH));
        if (terms.add(term.toLowerCase(Locale.ROOT)) && number) {
          numbersLeft--;
        }
      }
    }

    private static boolean isAsciiWordChar(char c) {
      return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z';
    }

    private void append(char c) {
      if (word.length() == MAX_TERM_LENGTH) {
        flush();
      }
      word.append(c);
    }

    private void flush() {
      if (word.isEmpty()) {
        return;
      }
      if (numbersLeft == Integer.MAX_VALUE || !isNumber(word)) {
        terms.add(word.toString());
      } else if (numbersLeft > 0 && terms.add(word.toString())) {
        numbersLeft--;
      }
      word.setLength(0);
    }

    private static boolean standsAlone(int codePoint) {
      Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
      return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA;
    }

    private static boolean isNumber(CharSequence word) {
      return isNumber(word, 0, word.length());
    }

    /** Digits, optionally followed by {@code e} and more digits ({@code 1.4E-11}, {@code 2e5}). */
    private static boolean isNumber(CharSequence text, int start, int end) {
      int index = start;
      while (index < end && isAsciiDigit(text.charAt(index))) {
        index++;
      }
      if (index == start) {
        return false;
      }
      if (index < end && (text.charAt(index) == 'e' || text.charAt(index) == 'E')) {
        index++;
        while (index < end && isAsciiDigit(text.charAt(index))) {
          index++;
        }
      }
      return index == end;
    }

    private static boolean isAsciiDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }
}
