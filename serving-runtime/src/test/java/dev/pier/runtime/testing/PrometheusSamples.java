package dev.pier.runtime.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The samples of one scrape of a Prometheus text exposition, looked up by metric name and labels
 * rather than by matching lines, so the order in which an exporter writes labels does not matter.
 */
public final class PrometheusSamples {

  /** One sample line: {@code name{labels} value}. */
  public record Sample(String name, Map<String, String> labels, double value) {
    boolean hasLabels(Map<String, String> wanted) {
      for (Map.Entry<String, String> label : wanted.entrySet()) {
        if (!label.getValue().equals(labels.get(label.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Sample> samples;
  private final String text;

  private PrometheusSamples(List<Sample> samples, String text) {
    this.samples = samples;
    this.text = text;
  }

  /** Scrapes {@code /metrics} on the runtime's metrics port. */
  public static PrometheusSamples scrape(RuntimeProcess runtime) {
    HttpResponse<String> response =
        runtime.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runtime.metricsPort() + "/metrics"))
                .GET()
                .build());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  public static PrometheusSamples parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(parseLine(line));
    }
    return new PrometheusSamples(List.copyOf(samples), text);
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space;
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0) {
      name = line.substring(0, brace);
      int position = brace + 1;
      while (line.charAt(position) != '}') {
        int equals = line.indexOf('=', position);
        String label = line.substring(position, equals).trim();
        StringBuilder value = new StringBuilder();
        int cursor = equals + 2; // past ="
        while (line.charAt(cursor) != '"') {
          char c = line.charAt(cursor);
          if (c == '\\') {
            char escaped = line.charAt(++cursor);
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
          cursor++;
        }
        labels.put(label, value.toString());
        position = cursor + 1;
        if (line.charAt(position) == ',') {
          position++;
        }
      }
      space = position + 1;
    } else {
      space = line.indexOf(' ');
      name = line.substring(0, space);
    }
    String[] rest = line.substring(space).trim().split("\\s+");
    return new Sample(name, Map.copyOf(labels), parseValue(rest[0]));
  }

  private static double parseValue(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }

  /** The value of the one sample with this name and (at least) these labels, if there is one. */
  public Optional<Double> find(String name, Map<String, String> labels) {
    List<Sample> matching =
        samples.stream()
            .filter(sample -> sample.name().equals(name) && sample.hasLabels(labels))
            .toList();
    if (matching.size() > 1) {
      throw new AssertionError(
          "more than one sample of " + name + " has labels " + labels + ": " + matching);
    }
    return matching.stream().findFirst().map(Sample::value);
  }

  /** The value of the one sample with this name and these labels; fails if there is none. */
  public double value(String name, Map<String, String> labels) {
    return find(name, labels)
        .orElseThrow(
            () -> new AssertionError("no sample " + name + labels + " in the scrape:\n" + text));
  }

  /**
   * The cumulative count of a classic histogram's bucket with upper bound {@code upperBound}: the
   * observations at or below it.
   */
  public double bucket(String histogram, Map<String, String> labels, double upperBound) {
    for (Sample sample : samples) {
      if (sample.name().equals(histogram + "_bucket")
          && sample.hasLabels(labels)
          && parseValue(sample.labels().get("le")) == upperBound) {
        return sample.value();
      }
    }
    throw new AssertionError(
        "no bucket le=" + upperBound + " of " + histogram + labels + " in the scrape:\n" + text);
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
