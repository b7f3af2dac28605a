package dev.pier.console.endpoints;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.RouteParameters;
import dev.pier.console.ui.ErrorText;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.endpoints.NewEndpoint;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.ModelQuery;
import dev.pier.controlplane.registry.ModelView;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import java.time.Duration;
import java.util.List;

/** Creates an endpoint serving a model version; opens the endpoint's page once created. */
public class CreateEndpointDialog extends Dialog {
  private final RegistryService registry;
  private final EndpointService endpoints;

  private final TextField name = new TextField("Endpoint name");
  private final ComboBox<String> model = new ComboBox<>("Model");
  private final ComboBox<Integer> version = new ComboBox<>("Version");
  private final IntegerField replicas = new IntegerField("Replicas");
  private final IntegerField timeoutSeconds = new IntegerField("Timeout (seconds)");
  private final ErrorText error = new ErrorText();

  /**
   * @param preselected the version to deploy, or null to choose one
   */
  public CreateEndpointDialog(
      RegistryService registry, EndpointService endpoints, VersionView preselected) {
    this.registry = registry;
    this.endpoints = endpoints;
    setHeaderTitle("Create endpoint");
    setWidth("32em");

    name.setRequired(true);
    name.setHelperText("Clients call /v2/models/{name}/infer");
    name.setId("endpoint-name");
    model.setItems(modelNames());
    model.addValueChangeListener(event -> showVersions(event.getValue()));
    model.setId("endpoint-model");
    version.setItemLabelGenerator(number -> "v" + number);
    version.setId("endpoint-version");
    replicas.setValue(1);
    replicas.setMin(1);
    replicas.setMax(64);
    replicas.setStepButtonsVisible(true);
    timeoutSeconds.setValue(30);
    timeoutSeconds.setMin(1);

    if (preselected != null) {
      name.setValue(preselected.model());
      model.setValue(preselected.model());
      version.setValue(preselected.number());
    }

    FormLayout form = new FormLayout(name, model, version, replicas, timeoutSeconds);
    form.add(error, 2);
    add(form);

    Button create = new Button("Create", event -> create());
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("create-endpoint");
    getFooter().add(new Button("Cancel", event -> close()), create);
  }

  private List<String> modelNames() {
    return registry
        .searchModels(
            new ModelQuery(
                null, null, 0, ModelQuery.MAXIMUM_PAGE_SIZE, ModelQuery.ModelSort.NAME, false))
        .items()
        .stream()
        .map(ModelView::name)
        .toList();
  }

  private void showVersions(String modelName) {
    version.clear();
    if (modelName == null) {
      version.setItems(List.of());
      return;
    }
    List<Integer> numbers =
        registry.listVersions(ModelName.of(modelName), 0, 100).items().stream()
            .map(VersionView::number)
            .toList();
    version.setItems(numbers);
    if (!numbers.isEmpty()) {
      version.setValue(numbers.getFirst());
    }
  }

  private void create() {
    error.clear();
    if (model.getValue() == null || version.getValue() == null) {
      error.show("Choose a model and one of its versions.");
      return;
    }
    try {
      EndpointView created =
          endpoints.create(
              new NewEndpoint(
                  name.getValue().strip(),
                  model.getValue(),
                  version.getValue(),
                  replicas.getValue(),
                  timeoutSeconds.getValue() == null
                      ? null
                      : Duration.ofSeconds(timeoutSeconds.getValue())));
      close();
      UI.getCurrent()
          .navigate(EndpointDetailView.class, new RouteParameters("name", created.name()));
    } catch (RuntimeException e) {
      error.show(e);
    }
  }
}
