-- Nearly every audit row is an inference record: its action is 'infer', and it has no business
-- keys unless its endpoint names some. Indexing those values cost every such row an entry in two
-- indexes that no query needs (a query for 'infer' is a query for most of the table, which the
-- time index serves; a GIN entry for an empty array matches no business-key search), so both
-- indexes now leave them out. PostgresQuery repeats each predicate in the queries that use them,
-- which is how the planner knows a partial index applies.
DROP INDEX audit_record_action;
CREATE INDEX audit_record_action ON audit_record (action, recorded_at, id) WHERE action <> 'infer';
DROP INDEX audit_record_business_keys;
CREATE INDEX audit_record_business_keys ON audit_record USING gin (business_keys)
    WHERE cardinality(business_keys) > 0;
