package dev.pier.console.models;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.pier.console.ui.ErrorText;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.registry.Lineage;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.NewModel;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionDetails;
import dev.pier.controlplane.registry.VersionView;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Registers a model with its first version, or a new version of an existing model, from an uploaded
 * .onnx file. The file goes to a temporary file first (the upload field shows its progress);
 * "Register" then hands it to the registry, which checks and stores it. Refusals (an invalid file,
 * a taken name) are shown in the dialog, which stays open so the user can fix them.
 */
class RegisterModelDialog extends Dialog {
  private final RegistryService registry;
  private final String existingModel;
  private final Consumer<VersionView> onRegistered;
  private final AtomicReference<File> uploaded = new AtomicReference<>();

  private final TextField name = new TextField("Name");
  private final TextArea description = new TextArea("Description");
  private final TextField owner = new TextField("Owner");
  private final TextField tags = new TextField("Tags");
  private final TextField trainingData = new TextField("Training data");
  private final TextField codeCommit = new TextField("Code commit");
  private final ErrorText error = new ErrorText();

  /**
   * @param existingModel the model to add a version to, or null to register a new model
   * @param onRegistered called with the new version once stored
   */
  RegisterModelDialog(
      RegistryService registry,
      PierProperties properties,
      String existingModel,
      Consumer<VersionView> onRegistered) {
    this.registry = registry;
    this.existingModel = existingModel;
    this.onRegistered = onRegistered;
    setHeaderTitle(existingModel == null ? "Register model" : "New version of " + existingModel);
    setWidth("44em");

    Upload upload =
        new Upload(
            UploadHandler.toTempFile(
                (metadata, file) -> {
                  File previous = uploaded.getAndSet(file);
                  delete(previous);
                }));
    upload.setAcceptedFileExtensions(".onnx");
    upload.setMaxFiles(1);
    upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, properties.maxUploadSize().toBytes()));
    upload.setDropLabel(new Span("Drop an .onnx file here"));
    upload.addFileRejectedListener(event -> error.show(event.getErrorMessage()));
    upload.addFileRemovedListener(event -> delete(uploaded.getAndSet(null)));
    upload.setId("model-file");

    name.setRequired(true);
    name.setHelperText("Letters, digits, '.', '_' and '-'");
    name.setId("model-name");
    tags.setHelperText("Separated by commas");
    trainingData.setHelperText("Where the training data is, e.g. a URI or dataset id");

    FormLayout form = new FormLayout();
    form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2));
    form.add(upload, 2);
    form.add(error, 2);
    if (existingModel == null) {
      form.add(name, owner);
      form.add(description, 2);
      form.add(tags, 2);
    }
    form.add(trainingData, codeCommit);
    add(form);

    Button cancel = new Button("Cancel", event -> close());
    Button register = new Button("Register", event -> register());
    register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    register.setId("register");
    getFooter().add(cancel, register);
    addDialogCloseActionListener(event -> close());
    addOpenedChangeListener(
        event -> {
          if (!event.isOpened()) {
            delete(uploaded.getAndSet(null));
          }
        });
  }

  private void register() {
    error.clear();
    File file = uploaded.get();
    if (file == null) {
      error.show("Choose an .onnx file to upload, and wait until it has arrived.");
      return;
    }
    VersionDetails details =
        new VersionDetails(
            null, new Lineage(blankToNull(trainingData), blankToNull(codeCommit), null), null);
    try (InputStream content = Files.newInputStream(file.toPath())) {
      VersionView version =
          existingModel == null
              ? registry.createModelWithVersion(
                  new NewModel(
                      name.getValue().strip(),
                      description.getValue(),
                      blankToNull(owner),
                      tagList()),
                  content,
                  details)
              : registry.createVersion(ModelName.of(existingModel), content, details);
      close();
      onRegistered.accept(version);
    } catch (IOException | RuntimeException e) {
      error.show(e);
    }
  }

  private List<String> tagList() {
    return Arrays.stream(tags.getValue().split(","))
        .map(String::strip)
        .filter(tag -> !tag.isEmpty())
        .toList();
  }

  private static String blankToNull(TextField field) {
    String value = field.getValue().strip();
    return value.isEmpty() ? null : value;
  }

  private static void delete(File file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file.toPath());
      } catch (IOException e) {
        file.deleteOnExit();
      }
    }
  }
}
