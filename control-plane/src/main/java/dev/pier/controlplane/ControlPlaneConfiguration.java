package dev.pier.controlplane;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.PropertySource;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The whole control plane, for the executable to import: {@code @Import(ControlPlaneConfiguration
 * .class)} beside its {@code @SpringBootApplication}.
 *
 * <p>An explicit import rather than an auto-configuration: the control plane is the application,
 * not an optional library that should switch itself on because a jar is on the classpath, and
 * auto-configurations must not component-scan. What it brings:
 *
 * <ul>
 *   <li>every component under {@code dev.pier.controlplane};
 *   <li>{@code dev.pier.controlplane} as an auto-configuration package, which is what Spring Boot's
 *       JPA entity scanning and Spring Data repository scanning look at. This adds to the
 *       application's own package instead of replacing it (as {@code @EntityScan} would), so the
 *       application's {@code @SpringBootApplication} can live in any package;
 *   <li>{@link PierProperties} ({@code pier.*});
 *   <li>scheduling, for periodic control-plane work (marking silent runtime servers LOST);
 *   <li>defaults for Spring settings the control plane depends on (schema validation, the OpenAPI
 *       paths), at the lowest precedence, so the application's configuration still wins.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
@ComponentScan(
    excludeFilters =
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class))
@EnableConfigurationProperties(PierProperties.class)
@PropertySource("classpath:dev/pier/controlplane/control-plane-defaults.properties")
@EnableScheduling
public class ControlPlaneConfiguration {}
