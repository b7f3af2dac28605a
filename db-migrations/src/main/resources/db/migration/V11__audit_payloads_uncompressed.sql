-- Payloads too large to stay inline (V9 keeps rows up to a page there) now go out of line
-- uncompressed. Compressing them with pglz was most of what such a row cost the database: a
-- request of 784 floats at full precision, about 8 KB of JSON, cost 235-265 us of database CPU per
-- record compressed and 75-88 us not. Tensor JSON compresses about 2-3 times, so this trades disk
-- for the serving path's CPU; retention bounds the disk.
ALTER TABLE audit_record
    ALTER COLUMN inputs SET STORAGE EXTERNAL,
    ALTER COLUMN outputs SET STORAGE EXTERNAL;
