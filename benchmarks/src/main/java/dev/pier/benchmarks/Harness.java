package dev.pier.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What every benchmark does: start its servers, measure each model through each of its paths at
 * each concurrency, stop the servers even when measuring failed, then print and write the Markdown
 * report. Each harness works in a temporary directory of its own, where the servers' logs stay.
 *
 * @param <R> the paths a request can take
 */
abstract class Harness<R extends Harness.Route> {

  /**
   * One path a request can take, an enum constant: a row of the table per model and concurrency.
   */
  interface Route {
    /** The enum constant's name. */
    String name();

    /** The path as the table shows it. */
    String label();

    /** The key on the command line and in {@link Report#find}: IN_PROCESS is in-process. */
    default String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the harness itself is the server (its CPU is then the cost of the call). */
    default boolean inProcess() {
      return name().equals("IN_PROCESS");
    }

    /** The constant of {@code type} whose {@link #key()} is {@code key}. */
    static <E extends Enum<E> & Route> E of(Class<E> type, String key) {
      for (E route : type.getEnumConstants()) {
        if (route.key().equals(key)) {
          return route;
        }
      }
      throw new IllegalArgumentException("unknown path '" + key + "'");
    }
  }

  /**
   * How long each path warms up before its first row, and each row warms up and measures; and how
   * long a row may wait for the machine to go quiet first ({@code settle}, zero: not at all), so
   * that work left over from the row before (a database still indexing the audit records of a busy
   * row) is not measured against the next.
   */
  record Timing(Duration pathWarmup, Duration warmup, Duration duration, Duration settle) {
    String describe() {
      return "warm-up "
          + warmup.toMillis()
          + " ms and measurement "
          + duration.toMillis()
          + " ms per row (after "
          + pathWarmup.toMillis()
          + " ms of warm-up per path"
          + (settle.isZero()
              ? ")"
              : "; each row starts once the machine used under "
                  + LoadRunner.QUIET_CORES
                  + " cores for a second, waiting at most "
                  + settle.toSeconds()
                  + " s)");
    }
  }

  /**
   * What every harness measures and where it writes the report.
   *
   * @param models the models, each with its {@link Workload}
   * @param concurrency the numbers of concurrent callers, one row each
   */
  record Plan(List<String> models, List<Integer> concurrency, Timing timing, Path output) {

    /** Adds the plan's settings and their defaults to a harness's {@code defaults}. */
    static void defaults(Map<String, String> defaults, String output) {
      defaults.put("models", "iris,mlp");
      defaults.put("concurrency", "1,16,64");
      defaults.put("path-warmup", "5s");
      defaults.put("warmup", "2s");
      defaults.put("duration", "5s");
      defaults.put("settle", "30s");
      defaults.put("output", output);
    }

    static Plan parse(Settings values) {
      return new Plan(
          values.list("models"),
          values.integers("concurrency"),
          new Timing(
              values.duration("path-warmup"),
              values.duration("warmup"),
              values.duration("duration"),
              values.duration("settle")),
          Path.of(values.get("output")));
    }
  }

  protected final Path workDirectory;
  protected final Report report;
  protected final Plan plan;

  protected Harness(Path workDirectory, Report report, Plan plan) {
    this.workDirectory = workDirectory;
    this.report = report;
    this.plan = plan;
  }

  abstract void start() throws Exception;

  /** Stops what {@link #start} started, as far as it got; never throws. */
  abstract void stop();

  /** What the report says about this harness's settings after the timing, e.g. "; threads 2". */
  abstract String settings();

  /** Adds this harness's targets to {@link #report}, comparing the measured rows. */
  abstract void checkTargets();

  /** Markdown sections of this harness's own after the targets, e.g. "\n## More\n..."; none. */
  String sections() {
    return "";
  }

  /** The Markdown report: machine and settings, the rows, the targets. */
  private String markdown() {
    checkTargets();
    return "## Results\n\n"
        + Report.runLine()
        + "; "
        + plan.timing().describe()
        + settings()
        + ".\n\n"
        + report.table()
        + "\n## Targets\n\n"
        + report.targets()
        + sections();
  }

  /** Deletes what is left of the harness's copies (files or trees) in its temporary directory. */
  void deleteCopies(String... names) {
    try {
      for (String name : names) {
        ModelFiles.deleteTree(workDirectory.resolve(name));
      }
    } catch (IOException e) {
      System.err.println("could not clean " + workDirectory + ": " + e.getMessage());
    }
  }

  /** The paths measured for {@code model}, in table order. */
  abstract List<R> routes(String model);

  /** One call through the path, outside any timing, so that a broken path fails loudly. */
  abstract void smokeTest(Workload workload, R route) throws Exception;

  abstract LoadRunner.Result runRow(
      Workload workload, R route, int concurrency, Duration warmup, Duration duration)
      throws Exception;

  private void measure() throws Exception {
    Timing timing = plan.timing();
    for (String model : plan.models()) {
      Workload workload = Workload.named(model);
      for (R route : routes(model)) {
        smokeTest(workload, route);
        // Once per path, so that the first row's warm-up is not also the JIT's whole budget for
        // a server that has not served this model yet.
        runRow(workload, route, 4, timing.pathWarmup(), Duration.ZERO);
      }
      for (int concurrency : plan.concurrency()) {
        for (R route : routes(model)) {
          settle(timing.settle());
          LoadRunner.Result result =
              runRow(workload, route, concurrency, timing.warmup(), timing.duration());
          System.out.println(
              report.add(
                  new Report.Row(
                      model, route.key(), route.label(), concurrency, route.inProcess(), result)));
        }
      }
    }
  }

  private static void settle(Duration limit) throws InterruptedException {
    if (limit.isZero()) {
      return;
    }
    LoadRunner.Quiet quiet = LoadRunner.awaitQuiet(limit);
    if (!quiet.reached()) {
      System.out.printf(
          "  the machine still used %.2f cores after %d s; measuring anyway%n",
          quiet.cores(), limit.toSeconds());
    } else if (quiet.waited().toSeconds() > 1) {
      System.out.printf("  waited %d s for the machine to go quiet%n", quiet.waited().toSeconds());
    }
  }

  /** The result of a measured row, or null when it was not measured. */
  LoadRunner.Result find(String model, R route, int concurrency) {
    return report.find(model, route.key(), concurrency);
  }

  /**
   * A benchmark's main.
   *
   * @param defaults every setting with its default, for {@code --help} and for checking {@code
   *     args}
   * @param factory the harness for the arguments and a fresh temporary directory
   */
  static void main(
      String[] args,
      String program,
      Map<String, String> defaults,
      BiFunction<String[], Path, Harness<?>> factory)
      throws Exception {
    if (Settings.help(args, program, defaults)) {
      return;
    }
    Settings.parse(args, defaults); // bad arguments fail before anything is created
    Path workDirectory = Files.createTempDirectory("pier-" + program + "-");
    Harness<?> harness = factory.apply(args, workDirectory);
    try {
      harness.start();
      harness.measure();
    } finally {
      harness.stop();
    }
    Report.write(harness.markdown(), harness.plan.output(), workDirectory);
  }
}
