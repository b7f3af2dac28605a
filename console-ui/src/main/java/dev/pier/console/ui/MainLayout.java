package dev.pier.console.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import dev.pier.console.endpoints.EndpointsView;
import dev.pier.console.models.ModelsView;
import dev.pier.console.servers.ServersView;

/** The console's frame: the navigation drawer and the header every view is shown in. */
public class MainLayout extends AppLayout {

  public MainLayout() {
    H1 title = new H1("Pier");
    title.addClassName("pier-title");

    SideNav navigation = new SideNav();
    navigation.addItem(
        new SideNavItem("Models", ModelsView.class, VaadinIcon.CUBES.create()),
        new SideNavItem("Endpoints", EndpointsView.class, VaadinIcon.CONNECT.create()),
        new SideNavItem("Servers", ServersView.class, VaadinIcon.SERVER.create()));

    Anchor api = new Anchor("/api/v1/docs", "REST API docs", AnchorTarget.BLANK);
    api.addClassName("pier-drawer-link");

    VerticalLayout drawer = new VerticalLayout(navigation, api);
    drawer.setPadding(true);
    addToDrawer(drawer);
    addToNavbar(new DrawerToggle(), title);
    setPrimarySection(Section.DRAWER);
  }
}
