-- +goose Up
-- Search must not reveal what masking hides (issue 14): a viewer without the personal-data right who
-- sees 139****4322 could otherwise find the hidden digits one query at a time. record_search keeps,
-- beside each text, the text as such a viewer sees it (mask.Record); they search only that.
--
-- masked is NULL until computed (Store.IndexSearch fills the rows this migration leaves, from the
-- stored records: SQL cannot mask), '' when masking changes nothing (most texts: they are then
-- searched in text), else the masked text, with a pg_trgm index of its own. A NULL never matches a
-- masked search.
ALTER TABLE record_search ADD COLUMN masked TEXT;
CREATE INDEX record_search_unmasked ON record_search (id) WHERE masked IS NULL;
CREATE INDEX record_search_masked_trgm ON record_search USING gin (masked gin_trgm_ops) WHERE masked <> '';
