package dev.pier.console.security;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinServletResponse;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.MainLayout;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierAuthentication;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.users.PasswordChange;
import dev.pier.controlplane.users.UserService;
import dev.pier.controlplane.users.UserView;
import jakarta.annotation.security.PermitAll;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * A local user's own password change; also where a user signed in with a one-time password is sent
 * until they have replaced it (see {@link PasswordChangeGuard}).
 */
@Route(value = "change-password", layout = MainLayout.class)
@PageTitle("Change password · Pier")
@PermitAll
public class ChangePasswordView extends VerticalLayout {

  public ChangePasswordView(UserService users, CurrentUser currentUser) {
    boolean required =
        currentUser.principal().map(PierPrincipal::passwordChangeRequired).orElse(false);
    add(new H2("Change password"));
    if (required) {
      Paragraph reason =
          new Paragraph(
              "You signed in with a one-time password. Choose your own (at least 12 characters)"
                  + " before you go on.");
      reason.setId("password-change-required");
      add(reason);
    }
    PasswordField current = new PasswordField("Current password");
    current.setId("current-password");
    PasswordField fresh = new PasswordField("New password");
    fresh.setId("new-password");
    fresh.setHelperText("At least 12 characters, not containing your user name");
    PasswordField repeated = new PasswordField("New password again");
    repeated.setId("repeat-password");
    ErrorText error = new ErrorText();
    error.setId("password-error");
    Button change = new Button("Change password");
    change.setId("change-password");
    change.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    change.addClickListener(
        click -> {
          error.clear();
          if (!fresh.getValue().equals(repeated.getValue())) {
            error.show("The two new passwords differ.");
            return;
          }
          try {
            UserView changed =
                users.changeOwnPassword(new PasswordChange(current.getValue(), fresh.getValue()));
            signInAgainAs(changed);
            getUI().ifPresent(ui -> ui.getPage().setLocation("/"));
          } catch (PierException e) {
            error.show(e.getMessage());
          }
        });
    current.setWidth("20em");
    fresh.setWidth("20em");
    repeated.setWidth("20em");
    add(current, fresh, repeated, change, error);
  }

  /** The session's authentication still says "must change": replace it with the cleared one. */
  private static void signInAgainAs(UserView user) {
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        new PierAuthentication(
            new PierPrincipal(
                user.username(), user.roles(), PierPrincipal.Kind.LOCAL_USER, null, false)));
    SecurityContextHolder.setContext(context);
    new HttpSessionSecurityContextRepository()
        .saveContext(
            context,
            VaadinServletRequest.getCurrent().getHttpServletRequest(),
            VaadinServletResponse.getCurrent().getHttpServletResponse());
  }
}
