-- Audit rows up to a page (8160 bytes) stay inline and uncompressed. With the default target
-- (about 2 KB) every row with a tensor of a few hundred values was compressed with pglz and moved
-- to the TOAST table, which cost the database more CPU than everything else about storing it (a
-- 784-float request: about 250 us per row against 140 us without). Larger rows are still
-- compressed and stored out of line. Rows are never updated, so the wider heap costs only disk.
ALTER TABLE audit_record SET (toast_tuple_target = 8160);
