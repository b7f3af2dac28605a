package dev.pier.console.endpoints;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import dev.pier.console.ui.Access;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.scheduler.PlacementService;
import dev.pier.controlplane.scheduler.PlacementView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Every endpoint with its model version and state; refreshed while it is open. */
@Route(value = "endpoints", layout = MainLayout.class)
@RolesAllowed("VIEWER")
@PageTitle("Endpoints · Pier")
public class EndpointsView extends VerticalLayout {
  static final int REFRESH_MILLIS = 1000;

  private final EndpointService endpoints;
  private final PlacementService placements;
  private final Grid<EndpointView> grid = new Grid<>(EndpointView.class, false);
  private Map<String, List<PlacementView>> placementsByModel = Map.of();
  private Registration polling;

  public EndpointsView(
      EndpointService endpoints,
      PlacementService placements,
      RegistryService registry,
      CurrentUser currentUser) {
    this.endpoints = endpoints;
    this.placements = placements;
    setSizeFull();

    Button create =
        new Button(
            "Create endpoint",
            VaadinIcon.PLUS.create(),
            event -> new CreateEndpointDialog(registry, endpoints, null).open());
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("new-endpoint");
    create.setVisible(Access.has(currentUser, Role.DATA_SCIENTIST));

    grid.addComponentColumn(
            endpoint ->
                new RouterLink(
                    endpoint.name(),
                    EndpointDetailView.class,
                    new RouteParameters("name", endpoint.name())))
        .setHeader("Name")
        .setAutoWidth(true);
    grid.addColumn(endpoint -> endpoint.model() + " v" + endpoint.version()).setHeader("Serves");
    grid.addColumn(
            endpoint -> endpoint.activeVersion() == null ? "none" : "v" + endpoint.activeVersion())
        .setHeader("Active version");
    grid.addColumn(EndpointView::replicas).setHeader("Replicas");
    grid.addComponentColumn(this::status).setHeader("State").setFlexGrow(2);
    grid.setId("endpoints");

    add(new H2("Endpoints"), create, grid);
    setFlexGrow(1, grid);
    refresh();
  }

  private com.vaadin.flow.component.Component status(EndpointView endpoint) {
    List<PlacementView> ofModel = placementsByModel.getOrDefault(endpoint.model(), List.of());
    return EndpointStatus.of(endpoint, ofModel).badge();
  }

  private void refresh() {
    placementsByModel =
        placements.all().stream().collect(Collectors.groupingBy(PlacementView::model));
    grid.setItems(endpoints.list());
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
