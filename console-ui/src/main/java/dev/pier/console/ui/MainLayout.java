package dev.pier.console.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.pier.console.audit.AuditView;
import dev.pier.console.endpoints.EndpointsView;
import dev.pier.console.models.ModelsView;
import dev.pier.console.security.ChangePasswordView;
import dev.pier.console.servers.ServersView;
import dev.pier.console.tokens.TokensView;
import dev.pier.console.users.UsersView;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import jakarta.annotation.security.PermitAll;
import java.util.stream.Collectors;

/**
 * The console's frame: the navigation drawer (only what the user's roles open) and the header with
 * the signed-in user and sign-out. Open to every signed-in user; each view says who may see it.
 */
@PermitAll
public class MainLayout extends AppLayout {

  public MainLayout(CurrentUser currentUser, AuthenticationContext authentication) {
    H1 title = new H1("Pier");
    title.addClassName("pier-title");

    SideNav navigation = new SideNav();
    navigation.addItem(
        new SideNavItem("Models", ModelsView.class, VaadinIcon.CUBES.create()),
        new SideNavItem("Endpoints", EndpointsView.class, VaadinIcon.CONNECT.create()),
        new SideNavItem("Servers", ServersView.class, VaadinIcon.SERVER.create()),
        new SideNavItem("API tokens", TokensView.class, VaadinIcon.KEY.create()));
    if (Access.has(currentUser, Role.AUDITOR)) {
      navigation.addItem(new SideNavItem("Audit", AuditView.class, VaadinIcon.RECORDS.create()));
    }
    if (Access.has(currentUser, Role.ADMIN)) {
      navigation.addItem(new SideNavItem("Users", UsersView.class, VaadinIcon.USERS.create()));
    }

    Anchor api = new Anchor("/api/v1/docs", "REST API docs", AnchorTarget.BLANK);
    api.addClassName("pier-drawer-link");

    VerticalLayout drawer = new VerticalLayout(navigation, api);
    drawer.setPadding(true);
    addToDrawer(drawer);

    HorizontalLayout user = new HorizontalLayout();
    user.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    user.addClassName("pier-user");
    currentUser
        .principal()
        .ifPresent(
            principal -> {
              Span who =
                  new Span(
                      principal.name()
                          + " · "
                          + principal.roles().stream()
                              .map(Role::name)
                              .sorted()
                              .collect(Collectors.joining(", ")));
              who.setId("signed-in-user");
              user.add(who);
              if (principal.kind() == PierPrincipal.Kind.LOCAL_USER) {
                Button password =
                    new Button(
                        VaadinIcon.LOCK.create(),
                        click -> getUI().ifPresent(ui -> ui.navigate(ChangePasswordView.class)));
                password.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
                password.setAriaLabel("Change password");
                password.setTooltipText("Change password");
                user.add(password);
              }
            });
    Button signOut =
        new Button("Sign out", VaadinIcon.SIGN_OUT.create(), click -> authentication.logout());
    signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    signOut.setId("sign-out");
    user.add(signOut);

    HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, user);
    header.setWidthFull();
    header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    header.expand(title);
    header.setPadding(false);
    addToNavbar(header);
    setPrimarySection(Section.DRAWER);
  }
}
