package dev.pier.controlplane.gateway;

import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.GatewayCredentials;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Registers the gateway's servlet on {@code /v2/*}, beside Spring MVC's dispatcher on {@code /},
 * and the two filters in front of it: {@link BearerGatewayRequests} first of all, {@link
 * RefusedInferences} just before the security chain.
 */
@Configuration(proxyBeanMethods = false)
class GatewayServletRegistration {
  @Bean
  ServletRegistrationBean<GatewayServlet> gatewayServlet(
      Gateway gateway, CurrentUser currentUser, EndpointAccess access) {
    ServletRegistrationBean<GatewayServlet> registration =
        new ServletRegistrationBean<>(new GatewayServlet(gateway, currentUser, access), "/v2/*");
    registration.setName("pierGateway");
    registration.setLoadOnStartup(1);
    return registration;
  }

  /** Ahead of every other filter: what it takes, no other filter sees. */
  @Bean
  FilterRegistrationBean<BearerGatewayRequests> bearerGatewayRequests(
      GatewayCredentials credentials, ServletRegistrationBean<GatewayServlet> gatewayServlet) {
    FilterRegistrationBean<BearerGatewayRequests> registration =
        new FilterRegistrationBean<>(
            new BearerGatewayRequests(credentials, gatewayServlet.getServlet()));
    registration.addUrlPatterns("/v2/*");
    registration.setName("pierBearerGatewayRequests");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** Before the security chain, so that what it refuses can be put on record after it. */
  @Bean
  FilterRegistrationBean<RefusedInferences> refusedInferences(Gateway gateway) {
    FilterRegistrationBean<RefusedInferences> registration =
        new FilterRegistrationBean<>(new RefusedInferences(gateway));
    registration.addUrlPatterns("/v2/*");
    registration.setName("pierRefusedInferences");
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
    return registration;
  }
}
