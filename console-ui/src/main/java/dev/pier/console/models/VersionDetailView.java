package dev.pier.console.models;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.pier.console.audit.AuditView;
import dev.pier.console.endpoints.CreateEndpointDialog;
import dev.pier.console.ui.Access;
import dev.pier.console.ui.Facts;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.onnx.TensorSpec;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** One model version: its schema, labels, lineage and metadata, and a way to deploy it. */
@Route(value = "models/:name/versions/:number", layout = MainLayout.class)
@RolesAllowed("VIEWER")
@PageTitle("Model version · Pier")
public class VersionDetailView extends VerticalLayout implements BeforeEnterObserver {
  private final boolean mayDeploy;
  private final boolean mayAudit;
  private final RegistryService registry;
  private final EndpointService endpoints;
  private final JsonMapper json;

  public VersionDetailView(
      RegistryService registry,
      EndpointService endpoints,
      JsonMapper json,
      CurrentUser currentUser) {
    this.mayDeploy = Access.has(currentUser, Role.DATA_SCIENTIST);
    this.mayAudit = Access.has(currentUser, Role.AUDITOR);
    this.registry = registry;
    this.endpoints = endpoints;
    this.json = json;
  }

  /** Navigates to a version's page. */
  public static void show(String model, int number) {
    UI.getCurrent().navigate(VersionDetailView.class, parameters(model, number));
  }

  static RouteParameters parameters(String model, int number) {
    return new RouteParameters(Map.of("name", model, "number", Integer.toString(number)));
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    String name = event.getRouteParameters().get("name").orElseThrow();
    String number = event.getRouteParameters().get("number").orElseThrow();
    VersionView version;
    try {
      version = registry.getVersion(ModelName.of(name), Integer.parseInt(number));
    } catch (PierException | NumberFormatException e) {
      throw new NotFoundException("no version " + number + " of model " + name);
    }
    removeAll();
    show(version);
  }

  private void show(VersionView version) {
    RouterLink model =
        new RouterLink(
            version.model(), ModelDetailView.class, new RouteParameters("name", version.model()));
    H2 title = new H2();
    title.add(model, new Span(" / v" + version.number()));

    Button deploy =
        new Button(
            "Deploy",
            VaadinIcon.ROCKET.create(),
            event -> new CreateEndpointDialog(registry, endpoints, version).open());
    deploy.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    deploy.setId("deploy");
    deploy.setVisible(mayDeploy);
    Anchor download =
        new Anchor(
            "/api/v1/models/" + version.model() + "/versions/" + version.number() + "/artifact",
            "Download .onnx");
    download.getElement().setAttribute("download", true);

    Facts facts =
        new Facts()
            .fact("SHA-256", version.sha256())
            .fact("Size", Formats.bytes(version.size()))
            .fact("Registered", Formats.time(version.createdAt()) + " by " + version.createdBy())
            .fact(
                "Labels", version.labels().isEmpty() ? "none" : String.join(", ", version.labels()))
            .fact("Training data", orNone(version.lineage().trainingData()))
            .fact("Code commit", orNone(version.lineage().codeCommit()));

    // Records name the version and, among their words, the model it belongs to.
    RouterLink auditRecords = new RouterLink("Audit records", AuditView.class);
    auditRecords.setQueryParameters(
        QueryParameters.simple(
            Map.of(
                "kind", "inference",
                "text", version.model(),
                "version", Integer.toString(version.number()))));
    auditRecords.setId("version-audit-records");
    auditRecords.setVisible(mayAudit);
    add(
        title,
        new HorizontalLayout(deploy, download, auditRecords),
        facts,
        new H3("Inputs"),
        tensors(version.inputs(), "inputs"),
        new H3("Outputs"),
        tensors(version.outputs(), "outputs"));
    if (!version.lineage().metrics().isEmpty()) {
      add(new H3("Metrics"), pretty(version.lineage().metrics()));
    }
    if (!version.metadata().isEmpty()) {
      add(new H3("Metadata"), pretty(version.metadata()));
    }
    if (!version.customMetadata().isEmpty()) {
      add(new H3("Model metadata"), pretty(version.customMetadata()));
    }
  }

  private static Grid<TensorSpec> tensors(List<TensorSpec> tensors, String id) {
    Grid<TensorSpec> grid = new Grid<>(TensorSpec.class, false);
    grid.addColumn(TensorSpec::name).setHeader("Name");
    grid.addColumn(TensorSpec::datatype).setHeader("Datatype");
    grid.addColumn(tensor -> tensor.shape().toString()).setHeader("Shape");
    grid.setItems(tensors);
    grid.setAllRowsVisible(true);
    grid.setId(id);
    return grid;
  }

  private Component pretty(Object value) {
    return new Pre(json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? "none" : value;
  }
}
