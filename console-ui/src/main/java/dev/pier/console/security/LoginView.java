package dev.pier.console.security;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.pier.controlplane.security.OidcSignIn;
import java.util.List;
import java.util.Map;

/**
 * The sign-in page: a local user's name and password (posted to Spring Security's form login), and
 * a button for the OIDC provider when one is configured. Failures come back as query parameters:
 * {@code error} (wrong name or password) and {@code throttled=<seconds>} (too many failures).
 */
@Route("login")
@PageTitle("Sign in · Pier")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final LoginForm form = new LoginForm();
  private final LoginI18n i18n = LoginI18n.createDefault();

  public LoginView(OidcSignIn oidc) {
    setSizeFull();
    setAlignItems(FlexComponent.Alignment.CENTER);
    setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);

    form.setAction("login");
    form.setForgotPasswordButtonVisible(false);
    form.setId("sign-in");
    H1 title = new H1("Pier");
    title.addClassName("pier-title");
    add(title, form);
    if (oidc.enabled()) {
      Anchor provider = new Anchor(oidc.startPath(), "Sign in with " + oidc.displayName());
      provider.setRouterIgnore(true);
      provider.setId("sign-in-oidc");
      provider.addClassName("pier-sign-in-oidc");
      add(provider);
    }
    add(
        new Paragraph(
            "First start? Sign in as admin with the one-time password Pier printed (it is also in"
                + " initial-admin-password in Pier's data directory)."));
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    Map<String, List<String>> parameters = event.getLocation().getQueryParameters().getParameters();
    LoginI18n.ErrorMessage error = i18n.getErrorMessage();
    if (parameters.containsKey("throttled")) {
      error.setTitle("Too many failed sign-ins");
      error.setMessage(
          "Sign-in is paused for this user and address; try again in "
              + parameters.get("throttled").getFirst()
              + " s.");
      form.setI18n(i18n);
      form.setError(true);
    } else if (parameters.containsKey("error")) {
      error.setTitle("Wrong user name or password");
      error.setMessage("Check them and try again; the account may also be disabled.");
      form.setI18n(i18n);
      form.setError(true);
    }
  }
}
