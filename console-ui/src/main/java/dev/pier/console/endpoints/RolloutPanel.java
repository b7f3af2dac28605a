package dev.pier.console.endpoints;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.slider.IntegerSlider;
import com.vaadin.flow.component.textfield.TextField;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Facts;
import dev.pier.console.ui.Formats;
import dev.pier.controlplane.endpoints.RolloutEvent;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.rollouts.RolloutRequests;
import dev.pier.controlplane.rollouts.RolloutService;
import dev.pier.controlplane.rollouts.RolloutView;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The endpoint's rollout: the stable version and the canary with its state, a slider for the
 * canary's share, promote / roll back / abort, and the history. Every control calls one {@link
 * RolloutService} action with the revision this panel last showed, so a change made meanwhile by
 * someone else is refused and shown rather than overwritten.
 */
class RolloutPanel extends VerticalLayout {
  private final boolean mayChange;
  private final boolean mayDecide;
  private final String endpoint;
  private final RolloutService rollouts;
  private final RegistryService registry;

  private final Facts state = new Facts();
  private final ComboBox<Integer> canaryVersion = new ComboBox<>("Canary version");
  private final IntegerSlider share = new IntegerSlider("Canary share (%)", 0, 100);
  private final TextField stickyHeader = new TextField("Sticky header");
  private final ProgressiveFields progressive = new ProgressiveFields();
  private final Button start = new Button("Start canary", VaadinIcon.SPLIT.create());
  private final Button promote = new Button("Promote", VaadinIcon.ARROW_CIRCLE_UP.create());
  private final Button rollback = new Button("Roll back", VaadinIcon.ARROW_BACKWARD.create());
  private final Button abort = new Button("Abort canary", VaadinIcon.CLOSE_CIRCLE.create());
  private final ErrorText error = new ErrorText();
  private final Grid<RolloutEvent> history = new Grid<>(RolloutEvent.class, false);
  private final TrafficCharts charts;
  private RolloutView current;
  private boolean updating;

  RolloutPanel(
      String endpoint,
      RolloutService rollouts,
      RegistryService registry,
      boolean mayChange,
      boolean mayDecide) {
    this.endpoint = endpoint;
    this.mayChange = mayChange;
    this.mayDecide = mayDecide;
    this.rollouts = rollouts;
    this.registry = registry;
    setPadding(false);
    setId("rollout");
    RolloutView initial = rollouts.status(endpoint);
    charts =
        new TrafficCharts(
            registry.getVersion(ModelName.of(initial.model()), initial.stableVersion()).labels());

    state.setId("rollout-state");
    canaryVersion.setItemLabelGenerator(number -> "v" + number);
    canaryVersion.setId("canary-version");
    share.setId("canary-share");
    share.setValueAlwaysVisible(true);
    share.setWidth("18em");
    share.addValueChangeListener(
        event -> {
          if (event.isFromClient() && !updating && current != null && current.canary() != null) {
            act(
                () ->
                    rollouts.setWeight(
                        endpoint,
                        new RolloutRequests.SetWeight(
                            event.getValue() * 100, current.revision(), null)));
          }
        });
    stickyHeader.setPlaceholder("e.g. X-User-Id");
    stickyHeader.setHelperText("Keeps each caller on one variant");
    start.setId("start-canary");
    start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    start.addClickListener(event -> startCanary());
    promote.setId("promote");
    promote.addThemeVariants(ButtonVariant.LUMO_SUCCESS);
    promote.addClickListener(
        event ->
            act(
                () ->
                    rollouts.promote(
                        endpoint, new RolloutRequests.Step(current.revision(), null))));
    rollback.setId("rollback");
    rollback.addClickListener(
        event ->
            act(
                () ->
                    rollouts.rollback(
                        endpoint, new RolloutRequests.Step(current.revision(), null))));
    abort.setId("abort");
    abort.addThemeVariants(ButtonVariant.LUMO_ERROR);
    abort.addClickListener(
        event ->
            act(
                () ->
                    rollouts.abort(endpoint, new RolloutRequests.Step(current.revision(), null))));

    history.addColumn(event -> Formats.time(event.at())).setHeader("When").setAutoWidth(true);
    history.addColumn(event -> event.action().name()).setHeader("Step").setAutoWidth(true);
    history.addColumn(RolloutEvent::actor).setHeader("Who");
    history
        .addColumn(
            event ->
                (event.stableBefore() == null || event.stableBefore() == event.stableAfter()
                        ? ""
                        : "v" + event.stableBefore() + " → ")
                    + "v"
                    + event.stableAfter())
        .setHeader("Stable");
    history
        .addColumn(
            event ->
                event.canaryAfter() == null
                    ? ""
                    : "v" + event.canaryAfter() + " at " + percent(event.weightAfterBasisPoints()))
        .setHeader("Canary");
    history.addColumn(event -> event.reason() == null ? "" : event.reason()).setHeader("Why");
    history.setAllRowsVisible(true);
    history.setId("rollout-history");
    canaryVersion.setVisible(mayChange);
    stickyHeader.setVisible(mayChange);
    progressive.setVisible(mayChange);

    HorizontalLayout canaryControls =
        new HorizontalLayout(canaryVersion, stickyHeader, share, start, promote, abort, rollback);
    canaryControls.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.END);
    canaryControls.setWrap(true);
    add(
        state,
        canaryControls,
        progressive,
        error,
        new H3("Traffic"),
        charts,
        new H3("History"),
        history);
    refresh();
  }

  /** Re-reads the rollout; called on every poll of the page. */
  void refresh() {
    current = rollouts.status(endpoint);
    updating = true;
    try {
      showState();
    } finally {
      updating = false;
    }
  }

  private void showState() {
    RolloutView.Canary canary = current.canary();
    state.removeAll();
    state.fact(
        "Stable",
        "v"
            + current.stableVersion()
            + (current.activeVersion() == null || current.activeVersion() == current.stableVersion()
                ? ""
                : " (v" + current.activeVersion() + " serves until it is ready)"));
    if (canary == null) {
      state.fact("Canary", "none");
    } else {
      HorizontalLayout line = new HorizontalLayout();
      line.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
      line.add(
          new com.vaadin.flow.component.html.Span(
              "v" + canary.version() + " at " + percent(canary.weightBasisPoints())),
          Badge.of(
              canary.state().name(),
              switch (canary.state()) {
                case SERVING -> Badge.Tone.GOOD;
                case BLOCKED -> Badge.Tone.BAD;
                case LOADING -> Badge.Tone.NEUTRAL;
              }));
      if (canary.reason() != null) {
        line.add(new com.vaadin.flow.component.html.Span(canary.reason()));
      }
      state.fact("Canary", line);
      if (canary.progressive() != null) {
        RolloutView.Progress steps = canary.progressive();
        state.fact(
            "Progressive",
            "step "
                + (steps.step() + 1)
                + " of "
                + steps.stepsBasisPoints().size()
                + ", next at "
                + Formats.time(steps.nextStepAt())
                + "; rolls back above "
                + percent((int) Math.round(steps.maxErrorRate() * 10_000))
                + " errors or p99 "
                + Formats.duration(steps.maxP99()));
      }
    }
    boolean running = canary != null;
    canaryVersion.setEnabled(!running);
    stickyHeader.setEnabled(!running);
    progressive.setRunning(running);
    start.setVisible(mayChange && !running);
    promote.setVisible(mayDecide && running);
    abort.setVisible(mayChange && running);
    rollback.setVisible(mayDecide);
    share.setReadOnly(!mayChange);
    share.setValue(running ? canary.weightBasisPoints() / 100 : share.getValue());
    if (!running && canaryVersion.getValue() == null) {
      canaryVersion.setItems(
          registry.listVersions(ModelName.of(current.model()), 0, 100).items().stream()
              .map(VersionView::number)
              .filter(number -> number != current.stableVersion())
              .toList());
    }
    history.setItems(rollouts.history(endpoint));
    charts.show(rollouts.comparison(endpoint));
  }

  private void startCanary() {
    if (canaryVersion.getValue() == null) {
      error.show("Choose the version to try as a canary.");
      return;
    }
    RolloutRequests.Progressive steps;
    try {
      steps = progressive.request();
    } catch (IllegalArgumentException e) {
      error.show(e.getMessage());
      return;
    }
    String sticky = stickyHeader.getValue().strip();
    act(
        () ->
            rollouts.startCanary(
                endpoint,
                new RolloutRequests.StartCanary(
                    canaryVersion.getValue(),
                    share.getValue() * 100,
                    sticky.isEmpty() ? null : sticky,
                    steps,
                    current.revision(),
                    null)));
  }

  private void act(Supplier<RolloutView> action) {
    error.clear();
    try {
      action.get();
    } catch (RuntimeException e) {
      error.show(e);
    }
    refresh();
  }

  private static String percent(int basisPoints) {
    return basisPoints % 100 == 0
        ? basisPoints / 100 + " %"
        : String.format(Locale.ROOT, "%.2f %%", basisPoints / 100.0);
  }
}
