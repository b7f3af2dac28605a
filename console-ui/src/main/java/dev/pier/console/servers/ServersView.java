package dev.pier.console.servers;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.console.ui.charts.TimeSeriesChart;
import dev.pier.controlplane.runtimes.Heartbeat;
import dev.pier.controlplane.runtimes.RuntimeServerService;
import dev.pier.controlplane.runtimes.RuntimeServerView;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The runtime servers: health, memory, load and the models each holds, refreshed while open, with
 * the last five minutes of in-flight requests and model memory per server as live charts.
 */
@Route(value = "servers", layout = MainLayout.class)
@RolesAllowed("VIEWER")
@PageTitle("Servers · Pier")
public class ServersView extends VerticalLayout {
  private static final int REFRESH_MILLIS = 2000;
  private static final double MIB = 1024.0 * 1024.0;

  private final RuntimeServerService servers;
  private final Grid<RuntimeServerView> grid = new Grid<>(RuntimeServerView.class, false);
  private final TimeSeriesChart inFlight = new TimeSeriesChart("In-flight requests", "requests");
  private final TimeSeriesChart memory = new TimeSeriesChart("Model memory", "MiB");
  private Registration polling;

  public ServersView(RuntimeServerService servers) {
    this.servers = servers;
    setSizeFull();
    grid.addColumn(RuntimeServerView::name).setHeader("Name").setAutoWidth(true);
    grid.addComponentColumn(ServersView::state).setHeader("State").setAutoWidth(true);
    grid.addColumn(RuntimeServerView::restUrl).setHeader("REST").setAutoWidth(true);
    grid.addColumn(RuntimeServerView::grpcTarget).setHeader("gRPC").setAutoWidth(true);
    grid.addComponentColumn(ServersView::memory).setHeader("Model memory").setWidth("14em");
    grid.addColumn(RuntimeServerView::inFlightRequests).setHeader("In flight");
    grid.addColumn(ServersView::models).setHeader("Models").setFlexGrow(2);
    grid.addColumn(server -> Formats.time(server.lastHeartbeatAt())).setHeader("Last heartbeat");
    grid.setId("servers");
    grid.setMinHeight("12em");
    inFlight.setId("in-flight-chart");
    memory.setId("memory-chart");
    Div charts = new Div(inFlight, memory);
    charts.addClassName("pier-charts");
    add(new H2("Runtime servers"), charts, grid);
    setFlexGrow(1, grid);
    refresh();
  }

  /** One look at the servers: the grid's rows and a point per server on each chart. */
  private void refresh() {
    List<RuntimeServerView> all = servers.list();
    Instant now = Instant.now();
    grid.setItems(all);
    inFlight.append(now, bySeries(all, RuntimeServerView::inFlightRequests));
    memory.append(now, bySeries(all, server -> server.memoryUsedBytes() / MIB));
  }

  private static Map<String, Double> bySeries(
      List<RuntimeServerView> all, ToDoubleFunction<RuntimeServerView> value) {
    Map<String, Double> values = new LinkedHashMap<>();
    all.forEach(server -> values.put(server.name(), value.applyAsDouble(server)));
    return values;
  }

  private static Component state(RuntimeServerView server) {
    return Badge.of(
        server.state().name(),
        switch (server.state()) {
          case READY -> Badge.Tone.GOOD;
          case LOST -> Badge.Tone.BAD;
          case REGISTERED -> Badge.Tone.NEUTRAL;
        });
  }

  private static Component memory(RuntimeServerView server) {
    ProgressBar used = new ProgressBar();
    long capacity = Math.max(1, server.memoryCapacityBytes());
    used.setValue(Math.min(1.0, (double) server.memoryUsedBytes() / capacity));
    Span text =
        new Span(
            Formats.bytes(server.memoryUsedBytes())
                + " of "
                + Formats.bytes(server.memoryCapacityBytes()));
    VerticalLayout cell = new VerticalLayout(text, used);
    cell.setPadding(false);
    cell.setSpacing(false);
    return cell;
  }

  private static String models(RuntimeServerView server) {
    return server.models().isEmpty()
        ? "none"
        : server.models().stream().map(ServersView::model).collect(Collectors.joining(", "));
  }

  private static String model(Heartbeat.LoadedModel model) {
    return model.name() + " v" + model.version() + " (" + model.state() + ")";
  }

  @Override
  protected void onAttach(AttachEvent event) {
    event.getUI().setPollInterval(REFRESH_MILLIS);
    polling = event.getUI().addPollListener(poll -> refresh());
  }

  @Override
  protected void onDetach(DetachEvent event) {
    polling.remove();
    event.getUI().setPollInterval(-1);
  }
}
