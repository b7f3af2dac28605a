package dev.pier.console.users;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.console.ui.ShownOnce;
import dev.pier.controlplane.security.Role;
import dev.pier.controlplane.users.CreatedUser;
import dev.pier.controlplane.users.NewUser;
import dev.pier.controlplane.users.UserChanges;
import dev.pier.controlplane.users.UserService;
import dev.pier.controlplane.users.UserView;
import jakarta.annotation.security.RolesAllowed;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * User management for administrators: create a user (its one-time password is shown once), change
 * roles, disable or enable, reset the password, delete.
 */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Users · Pier")
@RolesAllowed("ADMIN")
public class UsersView extends VerticalLayout {
  private final UserService users;
  private final Grid<UserView> grid = new Grid<>(UserView.class, false);
  private final ErrorText error = new ErrorText();

  public UsersView(UserService users) {
    this.users = users;
    setSizeFull();
    Button create = new Button("New user", VaadinIcon.PLUS.create(), click -> openCreate());
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("new-user");

    grid.addColumn(UserView::username).setHeader("User").setAutoWidth(true);
    grid.addColumn(user -> user.displayName() == null ? "" : user.displayName()).setHeader("Name");
    grid.addColumn(user -> names(user.roles())).setHeader("Roles").setFlexGrow(2);
    grid.addComponentColumn(
            user ->
                !user.enabled()
                    ? Badge.of("disabled", Badge.Tone.BAD)
                    : user.mustChangePassword()
                        ? Badge.of("one-time password", Badge.Tone.NEUTRAL)
                        : Badge.of("active", Badge.Tone.GOOD))
        .setHeader("State")
        .setAutoWidth(true);
    grid.addColumn(user -> Formats.time(user.lastSignInAt())).setHeader("Last sign-in");
    grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true);
    grid.setId("users");
    grid.setSizeFull();
    add(new H2("Users"), create, error, grid);
    refresh();
  }

  private HorizontalLayout actions(UserView user) {
    Button roles = new Button("Roles", click -> openRoles(user));
    roles.addThemeVariants(ButtonVariant.LUMO_SMALL);
    Button toggle =
        new Button(
            user.enabled() ? "Disable" : "Enable",
            click -> act(() -> users.change(user.username(), changes(null, !user.enabled()))));
    toggle.addThemeVariants(ButtonVariant.LUMO_SMALL);
    Button reset =
        new Button(
            "Reset password",
            click -> {
              try {
                showOnce(users.resetPassword(user.username()));
                refresh();
              } catch (RuntimeException e) {
                error.show(e);
              }
            });
    reset.addThemeVariants(ButtonVariant.LUMO_SMALL);
    Button delete =
        new Button(
            VaadinIcon.TRASH.create(),
            click -> {
              ConfirmDialog confirm = new ConfirmDialog();
              confirm.setHeader("Delete user " + user.username() + "?");
              confirm.setText("Their API tokens stop working at once.");
              confirm.setCancelable(true);
              confirm.setConfirmText("Delete");
              confirm.setConfirmButtonTheme("error primary");
              confirm.addConfirmListener(confirmed -> act(() -> users.delete(user.username())));
              confirm.open();
            });
    delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
    delete.setAriaLabel("Delete " + user.username());
    HorizontalLayout actions = new HorizontalLayout(roles, toggle, reset, delete);
    actions.setId("actions-" + user.username());
    return actions;
  }

  private void openCreate() {
    Dialog dialog = new Dialog("New user");
    TextField username = new TextField("User name");
    username.setId("new-username");
    username.setRequired(true);
    TextField displayName = new TextField("Display name");
    CheckboxGroup<Role> roles = roleChoice(EnumSet.of(Role.VIEWER));
    roles.setId("new-user-roles");
    ErrorText problem = new ErrorText();
    Button create =
        new Button(
            "Create",
            click -> {
              try {
                CreatedUser created =
                    users.create(
                        new NewUser(
                            username.getValue().strip(),
                            displayName.getValue().isBlank() ? null : displayName.getValue(),
                            roles.getValue()));
                dialog.close();
                refresh();
                showOnce(created);
              } catch (RuntimeException e) {
                problem.show(e);
              }
            });
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("create-user");
    dialog.add(new VerticalLayout(username, displayName, roles, problem));
    dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), create);
    dialog.open();
  }

  private void openRoles(UserView user) {
    Dialog dialog = new Dialog("Roles of " + user.username());
    CheckboxGroup<Role> roles = roleChoice(user.roles());
    ErrorText problem = new ErrorText();
    Button save =
        new Button(
            "Save",
            click -> {
              try {
                users.change(
                    user.username(),
                    new UserChanges(null, roles.getValue(), null, user.revision()));
                dialog.close();
                refresh();
              } catch (RuntimeException e) {
                problem.show(e);
              }
            });
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    dialog.add(new VerticalLayout(roles, problem));
    dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), save);
    dialog.open();
  }

  /** The one time a one-time password is shown. */
  private static void showOnce(CreatedUser created) {
    new ShownOnce(
            "One-time password of " + created.user().username(),
            "Give this to the user: it is shown only now, and must be changed at the first"
                + " sign-in.",
            created.oneTimePassword(),
            "one-time-password")
        .open();
  }

  private static CheckboxGroup<Role> roleChoice(Set<Role> selected) {
    CheckboxGroup<Role> roles = new CheckboxGroup<>("Roles");
    roles.setItems(Role.values());
    roles.setItemLabelGenerator(Role::name);
    roles.setValue(selected);
    return roles;
  }

  private static UserChanges changes(Set<Role> roles, Boolean enabled) {
    return new UserChanges(null, roles, enabled, null);
  }

  private void act(Runnable action) {
    error.clear();
    try {
      action.run();
      refresh();
    } catch (RuntimeException e) {
      error.show(e);
    }
  }

  private void refresh() {
    grid.setItems(users.list());
  }

  private static String names(Set<Role> roles) {
    return roles.stream().map(Role::name).sorted().collect(Collectors.joining(", "));
  }
}
