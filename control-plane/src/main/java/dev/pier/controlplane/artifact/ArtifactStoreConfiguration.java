package dev.pier.controlplane.artifact;

import dev.pier.controlplane.PierProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the artifact store. Only the local directory exists so far; object storage will join. */
@Configuration(proxyBeanMethods = false)
class ArtifactStoreConfiguration {

  @Bean
  ArtifactStore artifactStore(PierProperties properties) {
    return new LocalArtifactStore(properties.artifactDirectory());
  }
}
