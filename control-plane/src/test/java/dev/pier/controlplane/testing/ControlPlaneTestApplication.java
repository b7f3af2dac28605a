package dev.pier.controlplane.testing;

import dev.pier.controlplane.ControlPlaneConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The control plane as the executable will assemble it: an application class outside the control
 * plane's packages that imports {@link ControlPlaneConfiguration}. Being in its own package (not a
 * parent of the features), it proves the import alone finds the components, entities and
 * repositories.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ControlPlaneConfiguration.class)
public class ControlPlaneTestApplication {}
