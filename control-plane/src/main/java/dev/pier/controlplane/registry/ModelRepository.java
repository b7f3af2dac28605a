package dev.pier.controlplane.registry;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface ModelRepository extends JpaRepository<Model, Long> {

  Optional<Model> findByName(String name);

  boolean existsByName(String name);

  /**
   * The model, locked until the transaction ends: serialises version numbering and deletion without
   * touching the optimistic lock that guards edits.
   */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select m from Model m where m.name = :name")
  Optional<Model> findByNameForUpdate(String name);

  /**
   * Models whose name, description or a tag contains {@code pattern} (a lowercase LIKE pattern
   * escaped with {@code !}) and, if {@code tag} is not null, that have exactly that tag.
   */
  @Query(
      value =
          """
          select m from Model m
          where (lower(m.name) like :pattern escape '!'
                 or lower(m.description) like :pattern escape '!'
                 or exists (select 1 from Model tagged join tagged.tags t
                            where tagged = m and lower(t) like :pattern escape '!'))
            and (:tag is null or :tag member of m.tags)
          """,
      countQuery =
          """
          select count(m) from Model m
          where (lower(m.name) like :pattern escape '!'
                 or lower(m.description) like :pattern escape '!'
                 or exists (select 1 from Model tagged join tagged.tags t
                            where tagged = m and lower(t) like :pattern escape '!'))
            and (:tag is null or :tag member of m.tags)
          """)
  Page<Model> search(String pattern, String tag, Pageable pageable);
}
