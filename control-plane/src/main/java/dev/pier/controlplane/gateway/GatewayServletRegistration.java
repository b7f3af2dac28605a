package dev.pier.controlplane.gateway;

import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.security.CurrentUser;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the gateway's servlet on {@code /v2/*}, beside Spring MVC's dispatcher on {@code /}.
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
