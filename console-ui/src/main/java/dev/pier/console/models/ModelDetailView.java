package dev.pier.console.models;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.pier.console.ui.Access;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.ModelView;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.RolesAllowed;

/** One model: what it is, and its versions, newest first. */
@Route(value = "models/:name", layout = MainLayout.class)
@RolesAllowed("VIEWER")
@PageTitle("Model · Pier")
public class ModelDetailView extends VerticalLayout implements BeforeEnterObserver {
  private final boolean mayRegister;
  private final RegistryService registry;
  private final PierProperties properties;

  public ModelDetailView(
      RegistryService registry, PierProperties properties, CurrentUser currentUser) {
    this.mayRegister = Access.has(currentUser, Role.DATA_SCIENTIST);
    this.registry = registry;
    this.properties = properties;
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    String name = event.getRouteParameters().get("name").orElseThrow();
    ModelView model;
    try {
      model = registry.getModel(ModelName.of(name));
    } catch (PierException e) {
      throw new NotFoundException(e.getMessage());
    }
    removeAll();
    show(model);
  }

  private void show(ModelView model) {
    ModelName name = ModelName.of(model.name());
    Paragraph about =
        new Paragraph(
            (model.description().isEmpty() ? "" : model.description() + " · ")
                + "owner "
                + model.owner()
                + (model.tags().isEmpty() ? "" : " · tags " + String.join(", ", model.tags())));

    Button newVersion =
        new Button(
            "Upload new version",
            VaadinIcon.UPLOAD.create(),
            event ->
                new RegisterModelDialog(registry, properties, model.name(), ModelsView::showVersion)
                    .open());
    newVersion.setId("new-version");
    newVersion.setVisible(mayRegister);

    Grid<VersionView> versions = new Grid<>(VersionView.class, false);
    versions.addColumn(version -> "v" + version.number()).setHeader("Version").setAutoWidth(true);
    versions.addColumn(version -> Formats.shortDigest(version.sha256())).setHeader("SHA-256");
    versions.addColumn(version -> Formats.bytes(version.size())).setHeader("Size");
    versions.addColumn(version -> Formats.time(version.createdAt())).setHeader("Registered");
    versions.addColumn(VersionView::createdBy).setHeader("By");
    versions.setItems(
        query ->
            registry.listVersions(name, query.getPage(), query.getPageSize()).items().stream());
    versions.setPageSize(100);
    versions.addItemClickListener(
        event -> VersionDetailView.show(model.name(), event.getItem().number()));
    versions.setId("versions");

    add(new H2(model.name()), about, newVersion, versions);
  }
}
