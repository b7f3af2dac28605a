package dev.pier.console.audit;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.audit.chain.Verification;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Facts;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.audit.AuditService;
import dev.pier.controlplane.security.CurrentUser;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The audit trail for auditors: filters (time range in UTC to the second, kind, endpoint, version,
 * actor, action, outcome, request id, text; also read from the query parameters of the same names,
 * {@code from} and {@code to} as ISO-8601 instants, which the endpoint and model version pages link
 * with), a grid paged lazily through {@link AuditService}'s cursor, a record's detail, "Verify
 * chain" and a background CSV/JSON Lines export of the filtered records ({@link ExportPanel}).
 *
 * <p>Times are UTC throughout, written as such: records are compared with logs of other machines. A
 * sink that cannot be reached shows its message in place of the records, never an error page.
 */
@Route(value = "audit", layout = MainLayout.class)
@PageTitle("Audit · Pier")
@RolesAllowed("AUDITOR")
public class AuditView extends VerticalLayout implements BeforeEnterObserver {
  static final int PAGE = 50;

  private final AuditService audit;
  private final DateTimePicker from = new DateTimePicker("From (UTC)");
  private final DateTimePicker to = new DateTimePicker("To (UTC, excluded)");
  private final ComboBox<AuditKind> kind = new ComboBox<>("Kind", AuditKind.values());
  private final TextField endpoint = new TextField("Endpoint");
  private final TextField version = new TextField("Version");
  private final TextField actor = new TextField("Actor");
  private final TextField action = new TextField("Action");
  private final ComboBox<Outcome> outcome = new ComboBox<>("Outcome", Outcome.values());
  private final TextField requestId = new TextField("Request id");
  private final TextField text = new TextField("Text");
  private final Grid<AuditRecord> grid = new Grid<>(AuditRecord.class, false);
  private final VerticalLayout verification = new VerticalLayout();
  private final ErrorText error = new ErrorText();
  private final Span matched = new Span();

  /** The cursor that starts each page already read of the current query (page 0: null). */
  private final Map<Integer, String> cursors = new HashMap<>();

  private AuditQuery query = AuditQuery.all();

  public AuditView(AuditService audit, ExportJobs exports, CurrentUser currentUser) {
    this.audit = audit;
    setSizeFull();
    for (DateTimePicker picker : List.of(from, to)) {
      // To the second: an investigation narrows a range to the moments around an event.
      picker.setStep(Duration.ofSeconds(1));
      // ISO dates and a 24-hour clock, whatever the browser's locale: times are compared with
      // logs, which write them so.
      picker.setLocale(Locale.UK);
      picker.setDatePickerI18n(new DatePicker.DatePickerI18n().setDateFormat("yyyy-MM-dd"));
    }
    from.setId("audit-from");
    to.setId("audit-to");
    kind.setItemLabelGenerator(value -> value.name().toLowerCase(Locale.ROOT));
    outcome.setItemLabelGenerator(value -> value.name().toLowerCase(Locale.ROOT));
    for (TextField field : List.of(endpoint, version, actor, action, requestId, text)) {
      field.setClearButtonVisible(true);
    }
    endpoint.setId("audit-endpoint");
    requestId.setId("audit-request-id");
    text.setId("audit-text");

    Button search = new Button("Search", VaadinIcon.SEARCH.create(), click -> search());
    search.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    search.setId("audit-search");
    Button verify = new Button("Verify chain", VaadinIcon.CHECK_CIRCLE.create(), click -> verify());
    verify.setId("audit-verify");

    FlexLayout filters =
        new FlexLayout(from, to, kind, endpoint, version, actor, action, outcome, requestId, text);
    filters.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    filters.getStyle().set("gap", "var(--lumo-space-s)");
    ExportPanel export = new ExportPanel(exports, audit, currentUser.name(), () -> query, error);
    FlexLayout buttons = new FlexLayout(search, verify, export);
    buttons.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    buttons.setAlignItems(FlexComponent.Alignment.BASELINE);
    buttons.getStyle().set("gap", "var(--lumo-space-s)");
    matched.setId("audit-matched");

    grid.addColumn(record -> Formats.utcTime(record.time()))
        .setHeader("Time (UTC)")
        .setAutoWidth(true);
    grid.addColumn(record -> record.kind().name().toLowerCase(Locale.ROOT)).setHeader("Kind");
    // Who and what are never cut short without a way to read them whole: tooltips, resizing.
    grid.addColumn(AuditRecord::actor)
        .setHeader("Actor")
        .setTooltipGenerator(AuditRecord::actor)
        .setAutoWidth(true);
    grid.addColumn(AuditRecord::action)
        .setHeader("Action")
        .setTooltipGenerator(AuditRecord::action)
        .setAutoWidth(true);
    grid.addColumn(AuditView::endpointOrTarget)
        .setHeader("Endpoint / target")
        .setTooltipGenerator(AuditView::endpointOrTarget)
        .setAutoWidth(true)
        .setFlexGrow(2);
    grid.addColumn(AuditRecord::version).setHeader("Version");
    grid.addComponentColumn(
            record ->
                record.outcome() == Outcome.SUCCESS
                    ? Badge.of("success", Badge.Tone.GOOD)
                    : Badge.of("failure", Badge.Tone.BAD))
        .setHeader("Outcome");
    grid.addColumn(AuditRecord::requestId)
        .setHeader("Request id")
        .setTooltipGenerator(AuditRecord::requestId)
        .setFlexGrow(2);
    grid.getColumns().forEach(column -> column.setResizable(true));
    grid.setPageSize(PAGE);
    grid.setId("audit-records");
    grid.setSizeFull();
    grid.addItemClickListener(click -> showDetail(click.getItem()));

    add(new H2("Audit trail"), filters, buttons, error, verification, matched, grid);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    QueryParameters parameters = event.getLocation().getQueryParameters();
    Map<String, TextField> fields =
        Map.of(
            "endpoint", endpoint,
            "version", version,
            "actor", actor,
            "action", action,
            "requestId", requestId,
            "text", text);
    fields.forEach((name, field) -> parameters.getSingleParameter(name).ifPresent(field::setValue));
    parameters.getSingleParameter("from").ifPresent(value -> from.setValue(utc(value)));
    parameters.getSingleParameter("to").ifPresent(value -> to.setValue(utc(value)));
    parameters
        .getSingleParameter("kind")
        .ifPresent(value -> kind.setValue(parse(AuditKind.class, value)));
    parameters
        .getSingleParameter("outcome")
        .ifPresent(value -> outcome.setValue(parse(Outcome.class, value)));
    search();
  }

  /** An ISO-8601 instant from a link as the UTC time the pickers show; null if it is not one. */
  private static LocalDateTime utc(String instant) {
    try {
      return LocalDateTime.ofInstant(Instant.parse(instant), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The query the filters describe; the grid pages through it. */
  AuditQuery filters() {
    return AuditQuery.all()
        .withTimeRange(instant(from.getValue()), instant(to.getValue()))
        .withKind(kind.getValue())
        .withEndpoint(value(endpoint))
        .withVersion(value(version))
        .withActor(value(actor))
        .withAction(value(action))
        .withOutcome(outcome.getValue())
        .withRequestId(value(requestId))
        .withText(value(text))
        .withPageSize(PAGE);
  }

  private void search() {
    error.clear();
    try {
      query = filters();
    } catch (IllegalArgumentException e) {
      error.show(e.getMessage());
      return;
    }
    cursors.clear();
    cursors.put(0, null);
    long count;
    try {
      // Counted now, so that a sink that is away shows its message here rather than in the grid.
      count = audit.count(query);
    } catch (RuntimeException e) {
      error.show(e);
      matched.setText("");
      grid.setItems(List.of());
      return;
    }
    // The grid shows the records that matched at the search; a new search shows later ones.
    matched.setText(
        String.format(Locale.ROOT, "%,d", count)
            + (count == 1 ? " record matches" : " records match")
            + " (at "
            + Formats.utcTime(Instant.now())
            + ")");
    int rows = (int) Math.min(Integer.MAX_VALUE, count);
    grid.setItems(this::fetchShowingFailure, ignored -> rows);
  }

  /** A page of rows; when the sink went away since the search, none, and its message shown. */
  private Stream<AuditRecord> fetchShowingFailure(Query<AuditRecord, Void> request) {
    try {
      return fetch(request);
    } catch (RuntimeException e) {
      error.show(e);
      return Stream.empty();
    }
  }

  /** The grid's rows, read page by page with the sink's cursor (pages are {@link #PAGE} rows). */
  private Stream<AuditRecord> fetch(Query<AuditRecord, Void> request) {
    int first = request.getOffset();
    int wanted = request.getLimit();
    List<AuditRecord> rows = new ArrayList<>();
    int page = first / PAGE;
    int skip = first % PAGE;
    while (rows.size() < wanted) {
      if (!cursors.containsKey(page)) {
        // Pages are read in order once; a jump ahead reads the pages before it first.
        int known = page;
        while (!cursors.containsKey(known)) {
          known--;
        }
        for (int step = known; step < page; step++) {
          AuditPage skipped = audit.search(query.withCursor(cursors.get(step)));
          if (skipped.nextCursor().isEmpty()) {
            return rows.stream();
          }
          cursors.put(step + 1, skipped.nextCursor().get());
        }
      }
      AuditPage read = audit.search(query.withCursor(cursors.get(page)));
      List<AuditRecord> records = read.records();
      for (int index = skip; index < records.size() && rows.size() < wanted; index++) {
        rows.add(records.get(index));
      }
      skip = 0;
      if (read.nextCursor().isEmpty()) {
        break;
      }
      cursors.put(page + 1, read.nextCursor().get());
      page++;
    }
    return rows.stream();
  }

  private void verify() {
    verification.removeAll();
    error.clear();
    try {
      for (Verification result : audit.verify(Optional.empty())) {
        Span line = new Span(result.toString());
        line.setId("verification-" + result.stream());
        verification.add(
            new HorizontalLayout(
                result.intact()
                    ? Badge.of("intact", Badge.Tone.GOOD)
                    : Badge.of("broken", Badge.Tone.BAD),
                line));
      }
      if (verification.getComponentCount() == 0) {
        verification.add(new Span("No records yet."));
      }
      verification.add(new Span("Checked at " + Formats.utcTime(Instant.now()) + "."));
    } catch (RuntimeException e) {
      error.show(e);
    }
  }

  private void showDetail(AuditRecord record) {
    Map<String, String> chain = new LinkedHashMap<>();
    chain.put("Stream", record.stream());
    chain.put("Sequence", Long.toString(record.sequence()));
    chain.put("Hash", record.hash());
    chain.put("Previous hash", record.previousHash());
    chain.put("Signature", record.signature() == null ? "unsigned" : record.signature());
    Facts facts =
        new Facts()
            .fact("Id", record.id())
            .fact("Time (UTC)", Formats.utcTime(record.time()))
            .fact("Actor", orNone(record.actor()))
            .fact("Action", record.action())
            .fact("Target", orNone(record.target()))
            .fact("Endpoint", orNone(record.endpoint()))
            .fact("Version", orNone(record.version()))
            .fact("Request id", orNone(record.requestId()))
            .fact("Trace id", orNone(record.traceId()))
            .fact("Source address", orNone(record.sourceAddress()))
            .fact("Status", Integer.toString(record.status()))
            .fact(
                "Latency",
                record.latency() == null ? "—" : Formats.millis(record.latency().toNanos()))
            .fact("Traffic", traffic(record))
            .fact("Error", orNone(record.error()))
            .fact("Instance", (record.instanceIndex() + 1) + " of " + record.instanceCount())
            .fact("Business keys", record.businessKeys().toString());
    chain.forEach((name, value) -> facts.fact(name, orNone(value)));
    VerticalLayout content = new VerticalLayout(facts);
    addJson(content, "Request", record.inputs());
    addJson(content, "Response", record.outputs());
    addJson(content, "Before", record.before());
    addJson(content, "After", record.after());
    Dialog dialog = new Dialog(content);
    dialog.setHeaderTitle("Audit record");
    dialog.setWidth("60em");
    dialog.getFooter().add(new Button("Close", click -> dialog.close()));
    dialog.setId("audit-record");
    dialog.open();
  }

  private static void addJson(VerticalLayout content, String title, String json) {
    if (json != null) {
      Pre pre = new Pre(json);
      pre.getStyle().set("white-space", "pre-wrap").set("max-height", "20em");
      content.add(new H4(title), pre);
    }
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? "—" : value;
  }

  private static String value(TextField field) {
    String value = field.getValue();
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String endpointOrTarget(AuditRecord record) {
    return record.endpoint() != null ? record.endpoint() : record.target();
  }

  /** A picker's value, which is UTC (its label says so). */
  private static Instant instant(LocalDateTime utc) {
    return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
  }

  /** Which way the gateway sent the request: stable unless canary, shadow or fallback. */
  private static String traffic(AuditRecord record) {
    List<String> flags = new ArrayList<>();
    if (record.flags().canary()) {
      flags.add("canary");
    }
    if (record.flags().shadow()) {
      flags.add("shadow");
    }
    if (record.flags().fallback()) {
      flags.add("fallback");
    }
    return flags.isEmpty() ? "—" : String.join(", ", flags);
  }
}
