package dev.pier.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark's {@code --key value} settings over its defaults, and the value syntaxes they share:
 * comma-separated lists, space-separated words, durations such as {@code 500ms} or {@code 5s}.
 */
final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @param defaults every accepted key with its default value, in the order {@code --help} lists
   */
  static Settings parse(String[] args, Map<String, String> defaults) {
    Map<String, String> values = new LinkedHashMap<>(defaults);
    for (int i = 0; i < args.length; i++) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!defaults.containsKey(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "bad argument '" + args[i] + "'; settings are --key value with keys " + defaults);
      }
      values.put(key, args[++i]);
    }
    return new Settings(values);
  }

  /** Prints the keys and defaults and returns true when {@code args} asks for help. */
  static boolean help(String[] args, String program, Map<String, String> defaults) {
    if (args.length == 0 || !(args[0].equals("--help") || args[0].equals("-h"))) {
      return false;
    }
    System.out.println(program + " [--key value ...]; keys and defaults:");
    defaults.forEach((key, value) -> System.out.println("  --" + key + " " + value));
    return true;
  }

  String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no setting '" + key + "'");
    }
    return value;
  }

  int integer(String key) {
    return Integer.parseInt(get(key));
  }

  List<String> list(String key) {
    return Arrays.stream(get(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  List<Integer> integers(String key) {
    return list(key).stream().map(Integer::valueOf).toList();
  }

  List<String> words(String key) {
    return Arrays.stream(get(key).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  Duration duration(String key) {
    String value = get(key);
    Matcher matcher = Pattern.compile("(\\d+)(ms|s)").matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("durations look like 500ms or 5s, got '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return matcher.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
  }
}
