-- +goose Up
-- Nothing changes on PostgreSQL: record_search keeps its pg_trgm GIN index, maintained in the
-- import transactions as before (GIN's pending list already batches the work). SQLite's 0007 moves
-- full-text indexing out of the import transactions; this file keeps the two version lists equal.
SELECT 1;
