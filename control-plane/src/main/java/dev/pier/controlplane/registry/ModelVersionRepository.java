package dev.pier.controlplane.registry;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ModelVersionRepository extends JpaRepository<ModelVersion, Long> {

  Optional<ModelVersion> findByModelAndNumber(Model model, int number);

  Page<ModelVersion> findByModel(Model model, Pageable pageable);

  boolean existsByModel(Model model);

  @Query("select coalesce(max(v.number), 0) from ModelVersion v where v.model = :model")
  int highestNumber(Model model);

  /** Per model id, its highest version number; models without versions are absent. */
  @Query(
      """
      select new dev.pier.controlplane.registry.ModelVersionRepository$LatestVersion(
          v.model.id, max(v.number))
      from ModelVersion v where v.model.id in :modelIds group by v.model.id
      """)
  List<LatestVersion> latestVersions(Collection<Long> modelIds);

  record LatestVersion(Long modelId, Integer number) {}
}
