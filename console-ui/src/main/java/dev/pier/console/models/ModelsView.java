package dev.pier.console.models;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.pier.console.ui.Access;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.registry.ModelQuery;
import dev.pier.controlplane.registry.ModelView;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.RolesAllowed;

/** The model catalog: every registered model, searchable by name, description and tag. */
@Route(value = "models", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Models · Pier")
@RolesAllowed("VIEWER")
public class ModelsView extends VerticalLayout {
  private final RegistryService registry;
  private final TextField search = new TextField();
  private final Grid<ModelView> grid = new Grid<>(ModelView.class, false);

  public ModelsView(RegistryService registry, PierProperties properties, CurrentUser currentUser) {
    this.registry = registry;
    setSizeFull();

    search.setPlaceholder("Search name, description or tag");
    search.setPrefixComponent(VaadinIcon.SEARCH.create());
    search.setClearButtonVisible(true);
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.addValueChangeListener(event -> grid.getDataProvider().refreshAll());
    search.setWidth("24em");
    search.setId("model-search");

    Button register = new Button("Register model", VaadinIcon.UPLOAD.create());
    register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    register.setId("register-model");
    register.setVisible(Access.has(currentUser, Role.DATA_SCIENTIST));
    register.addClickListener(
        event ->
            new RegisterModelDialog(registry, properties, null, ModelsView::showVersion).open());

    HorizontalLayout toolbar = new HorizontalLayout(search, register);
    toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);

    grid.addComponentColumn(
            model ->
                new RouterLink(
                    model.name(), ModelDetailView.class, new RouteParameters("name", model.name())))
        .setHeader("Name")
        .setAutoWidth(true);
    grid.addColumn(ModelView::description).setHeader("Description").setFlexGrow(2);
    grid.addColumn(ModelView::owner).setHeader("Owner").setAutoWidth(true);
    grid.addColumn(model -> String.join(", ", model.tags())).setHeader("Tags");
    grid.addColumn(model -> model.latestVersion() == null ? "none" : "v" + model.latestVersion())
        .setHeader("Latest version")
        .setAutoWidth(true);
    grid.addColumn(model -> Formats.time(model.updatedAt()))
        .setHeader("Updated")
        .setAutoWidth(true);
    grid.setItems(
        query ->
            registry
                .searchModels(
                    new ModelQuery(
                        search.getValue(),
                        null,
                        query.getPage(),
                        query.getPageSize(),
                        ModelQuery.ModelSort.NAME,
                        false))
                .items()
                .stream());
    grid.setPageSize(ModelQuery.MAXIMUM_PAGE_SIZE);
    grid.setEmptyStateText("No model matches; register one with the button above.");
    grid.setId("models");

    add(new H2("Models"), toolbar, grid);
    setFlexGrow(1, grid);
  }

  static void showVersion(VersionView version) {
    VersionDetailView.show(version.model(), version.number());
  }
}
