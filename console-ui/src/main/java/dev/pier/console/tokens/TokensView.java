package dev.pier.console.tokens;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Formats;
import dev.pier.console.ui.MainLayout;
import dev.pier.console.ui.ShownOnce;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;
import dev.pier.controlplane.tokens.ApiTokenService;
import dev.pier.controlplane.tokens.CreatedToken;
import dev.pier.controlplane.tokens.NewToken;
import dev.pier.controlplane.tokens.TokenView;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The signed-in user's API tokens for automation: create one (roles at most the user's, optionally
 * limited to endpoints, optionally expiring; its secret is shown once), see when each was last
 * used, revoke.
 */
@Route(value = "tokens", layout = MainLayout.class)
@PageTitle("API tokens · Pier")
@RolesAllowed("VIEWER")
public class TokensView extends VerticalLayout {
  private final ApiTokenService tokens;
  private final Grid<TokenView> grid = new Grid<>(TokenView.class, false);
  private final ErrorText error = new ErrorText();
  private final Set<Role> held;

  public TokensView(ApiTokenService tokens, CurrentUser currentUser) {
    this.tokens = tokens;
    this.held =
        currentUser.principal().map(principal -> Role.expand(principal.roles())).orElse(Set.of());
    setSizeFull();
    Button create = new Button("New token", VaadinIcon.PLUS.create(), click -> openCreate());
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("new-token");

    grid.addColumn(TokenView::name).setHeader("Name").setAutoWidth(true);
    grid.addColumn(TokenView::prefix).setHeader("Starts with").setAutoWidth(true);
    grid.addColumn(token -> names(token.roles())).setHeader("Roles").setFlexGrow(2);
    grid.addColumn(
            token -> token.endpoints() == null ? "all" : String.join(", ", token.endpoints()))
        .setHeader("Endpoints");
    grid.addColumn(token -> Formats.time(token.expiresAt())).setHeader("Expires");
    grid.addColumn(token -> Formats.time(token.lastUsedAt())).setHeader("Last used");
    grid.addComponentColumn(
            token ->
                token.active(Instant.now())
                    ? Badge.of("active", Badge.Tone.GOOD)
                    : Badge.of(token.revokedAt() != null ? "revoked" : "expired", Badge.Tone.BAD))
        .setHeader("State");
    grid.addComponentColumn(
            token -> {
              Button revoke =
                  new Button(
                      "Revoke",
                      click -> {
                        error.clear();
                        try {
                          tokens.revoke(token.id());
                          refresh();
                        } catch (RuntimeException e) {
                          error.show(e);
                        }
                      });
              revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
              revoke.setEnabled(token.revokedAt() == null);
              revoke.setId("revoke-" + token.name());
              return revoke;
            })
        .setAutoWidth(true);
    grid.setId("tokens");
    grid.setSizeFull();
    add(new H2("API tokens"), create, error, grid);
    refresh();
  }

  private void openCreate() {
    Dialog dialog = new Dialog("New API token");
    TextField name = new TextField("Name");
    name.setHelperText("What it is for, e.g. ci-deploy");
    name.setId("token-name");
    CheckboxGroup<Role> roles = new CheckboxGroup<>("Roles");
    roles.setItems(held.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(held));
    roles.setItemLabelGenerator(Role::name);
    roles.setId("token-roles");
    TextField endpoints = new TextField("Only these endpoints (optional)");
    endpoints.setHelperText("Comma-separated; empty allows every endpoint and the whole API");
    DatePicker expires = new DatePicker("Expires (optional)");
    ErrorText problem = new ErrorText();
    Button create =
        new Button(
            "Create",
            click -> {
              try {
                Set<String> scope =
                    endpoints.getValue().isBlank()
                        ? null
                        : Arrays.stream(endpoints.getValue().split(","))
                            .map(String::strip)
                            .filter(part -> !part.isEmpty())
                            .collect(Collectors.toCollection(TreeSet::new));
                CreatedToken created =
                    tokens.create(
                        new NewToken(
                            name.getValue().strip(),
                            roles.getValue(),
                            scope,
                            expires.getValue() == null
                                ? null
                                : expires.getValue().atStartOfDay().toInstant(ZoneOffset.UTC)));
                dialog.close();
                refresh();
                showOnce(created);
              } catch (RuntimeException e) {
                problem.show(e);
              }
            });
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.setId("create-token");
    dialog.add(new VerticalLayout(name, roles, endpoints, expires, problem));
    dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), create);
    dialog.open();
  }

  /** The one time a token's secret is shown. */
  private static void showOnce(CreatedToken created) {
    new ShownOnce(
            "API token " + created.token().name(),
            "Copy it now: it is shown only this once. Send it as 'Authorization: Bearer ...'.",
            created.secret(),
            "token-secret")
        .open();
  }

  private void refresh() {
    grid.setItems(tokens.list(false));
  }

  private static String names(Set<Role> roles) {
    return roles.stream().map(Role::name).sorted().collect(Collectors.joining(", "));
  }
}
