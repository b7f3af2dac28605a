package dev.pier.console.endpoints;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import dev.pier.console.audit.AuditView;
import dev.pier.console.ui.Access;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Facts;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.endpoints.EndpointChanges;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.gateway.InProcessGateway;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.rollouts.RolloutService;
import dev.pier.controlplane.scheduler.PlacementService;
import dev.pier.controlplane.scheduler.PlacementState;
import dev.pier.controlplane.scheduler.PlacementView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * One endpoint: its state, where its versions are placed, a version switch, and the "try it" panel.
 * State and placements refresh while the page is open; the panel keeps what was typed.
 */
@Route(value = "endpoints/:name", layout = MainLayout.class)
@RolesAllowed("VIEWER")
@PageTitle("Endpoint · Pier")
public class EndpointDetailView extends VerticalLayout implements BeforeEnterObserver {
  private final CurrentUser currentUser;
  private final EndpointService endpoints;
  private final PlacementService placements;
  private final RegistryService registry;
  private final InProcessGateway gateway;
  private final RolloutService rollouts;
  private final JsonMapper json;

  private final Facts summary = new Facts();
  private final Grid<PlacementView> placementGrid = new Grid<>(PlacementView.class, false);
  private final ComboBox<Integer> versionChoice = new ComboBox<>("Version");
  private final ErrorText changeError = new ErrorText();
  private String name;
  private EndpointView endpoint;
  private Registration polling;
  private RolloutPanel rollout;

  public EndpointDetailView(
      EndpointService endpoints,
      PlacementService placements,
      RegistryService registry,
      InProcessGateway gateway,
      RolloutService rollouts,
      JsonMapper json,
      CurrentUser currentUser) {
    this.currentUser = currentUser;
    this.endpoints = endpoints;
    this.placements = placements;
    this.registry = registry;
    this.gateway = gateway;
    this.rollouts = rollouts;
    this.json = json;

    placementGrid.addColumn(PlacementView::serverName).setHeader("Server");
    placementGrid.addColumn(placement -> "v" + placement.version()).setHeader("Version");
    placementGrid
        .addComponentColumn(
            placement ->
                Badge.of(
                    placement.state().name(),
                    switch (placement.state()) {
                      case READY -> Badge.Tone.GOOD;
                      case FAILED -> Badge.Tone.BAD;
                      case LOADING -> Badge.Tone.NEUTRAL;
                    }))
        .setHeader("State");
    placementGrid
        .addColumn(placement -> placement.reason() == null ? "" : placement.reason())
        .setHeader("Reason")
        .setFlexGrow(3);
    placementGrid.addColumn(placement -> Formats.time(placement.updatedAt())).setHeader("Since");
    placementGrid.setAllRowsVisible(true);
    placementGrid.setId("placements");
    summary.setId("endpoint-summary");
    versionChoice.setItemLabelGenerator(number -> "v" + number);
    versionChoice.setId("version-choice");
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    name = event.getRouteParameters().get("name").orElseThrow();
    Optional<EndpointView> found = endpoints.find(name);
    if (found.isEmpty()) {
      throw new NotFoundException("no endpoint " + name);
    }
    endpoint = found.get();
    removeAll();
    build();
  }

  private void build() {
    Button deployVersion = new Button("Switch version", event -> switchVersion());
    deployVersion.setId("switch-version");
    Button delete =
        new Button(
            "Delete",
            VaadinIcon.TRASH.create(),
            event -> {
              ConfirmDialog confirm = new ConfirmDialog();
              confirm.setHeader("Delete endpoint " + name + "?");
              confirm.setText(
                  "Clients calling it get 404 at once; the model and its versions stay.");
              confirm.setCancelable(true);
              confirm.setConfirmText("Delete");
              confirm.setConfirmButtonTheme("error primary");
              confirm.addConfirmListener(
                  confirmed -> {
                    endpoints.delete(name);
                    UI.getCurrent().navigate(EndpointsView.class);
                  });
              confirm.open();
            });
    delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
    HorizontalLayout change = new HorizontalLayout(versionChoice, deployVersion, delete);
    change.setVisible(Access.has(currentUser, Role.DATA_SCIENTIST));
    change.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    versionChoice.setItems(
        registry.listVersions(ModelName.of(endpoint.model()), 0, 100).items().stream()
            .map(VersionView::number)
            .toList());
    versionChoice.setValue(endpoint.version());

    VersionView schema =
        registry.getVersion(
            ModelName.of(endpoint.model()),
            endpoint.activeVersion() != null ? endpoint.activeVersion() : endpoint.version());
    rollout =
        new RolloutPanel(
            name,
            rollouts,
            registry,
            Access.has(currentUser, Role.DATA_SCIENTIST),
            Access.has(currentUser, Role.OPERATOR));
    RouterLink auditRecords = new RouterLink("Audit records", AuditView.class);
    auditRecords.setQueryParameters(QueryParameters.of("endpoint", name));
    auditRecords.setId("endpoint-audit-records");
    auditRecords.setVisible(Access.has(currentUser, Role.AUDITOR));
    add(
        new H2(name),
        auditRecords,
        summary,
        change,
        changeError,
        new H3("Placements"),
        placementGrid,
        new H3("Rollout"),
        rollout,
        new H3("Try it"),
        Access.has(currentUser, Role.ANALYST)
            ? new TryItPanel(name, schema, gateway, json)
            : new Paragraph("Trying the endpoint needs the role ANALYST."));
    refresh();
  }

  private void switchVersion() {
    changeError.clear();
    Integer chosen = versionChoice.getValue();
    if (chosen == null) {
      changeError.show("Choose a version.");
      return;
    }
    try {
      endpoint =
          endpoints.change(name, new EndpointChanges(chosen, null, null, endpoint.revision()));
      refresh();
    } catch (RuntimeException e) {
      changeError.show(e);
    }
  }

  private void refresh() {
    Optional<EndpointView> current = endpoints.find(name);
    if (current.isEmpty()) {
      summary.removeAll();
      summary.add(Badge.of("Deleted", Badge.Tone.BAD));
      return;
    }
    endpoint = current.get();
    List<PlacementView> ofEndpoint = placements.ofEndpoint(name);
    summary.removeAll();
    summary
        .fact("State", EndpointStatus.of(endpoint, ofEndpoint).badge())
        .fact("Model", endpoint.model() + " v" + endpoint.version())
        .fact(
            "Active version",
            endpoint.activeVersion() == null ? "none" : "v" + endpoint.activeVersion())
        .fact(
            "Ready replicas",
            ofEndpoint.stream()
                    .filter(
                        placement ->
                            placement.state() == PlacementState.READY
                                && placement.version() == endpoint.version())
                    .count()
                + " of "
                + endpoint.replicas())
        .fact("Timeout", Formats.duration(endpoint.timeout()))
        .fact("Inference URL", "/v2/models/" + name + "/infer");
    placementGrid.setItems(ofEndpoint);
    if (rollout != null) {
      rollout.refresh();
    }
  }

  @Override
  protected void onAttach(AttachEvent event) {
    event.getUI().setPollInterval(EndpointsView.REFRESH_MILLIS);
    polling = event.getUI().addPollListener(poll -> refresh());
  }

  @Override
  protected void onDetach(DetachEvent event) {
    polling.remove();
    event.getUI().setPollInterval(-1);
  }
}
