-- +goose Up
-- Search must not reveal what masking hides (issue 14): a viewer without the personal-data right who
-- sees 139****4322 could otherwise find the hidden digits one query at a time. record_search keeps,
-- beside each text, the text as such a viewer sees it (mask.Record); they search only that.
--
-- masked is NULL until computed (Store.IndexSearch fills the rows this migration leaves, from the
-- stored records: SQL cannot mask), '' when masking changes nothing (most texts: they are then
-- searched in record_fts as they are), else the masked text, indexed in record_fts_masked. A NULL
-- never matches a masked search.
ALTER TABLE record_search ADD COLUMN masked TEXT;
CREATE INDEX record_search_unmasked ON record_search (doc) WHERE masked IS NULL;

CREATE VIRTUAL TABLE record_fts_masked USING fts5(masked, content='record_search', content_rowid='doc',
    tokenize='trigram case_sensitive 1');
INSERT INTO record_fts_masked (record_fts_masked, rank) VALUES ('hashsize', 16777216);
INSERT INTO record_fts_masked (record_fts_masked, rank) VALUES ('automerge', 16);
INSERT INTO record_fts_masked (record_fts_masked, rank) VALUES ('crisismerge', 64);

-- Both indexes follow one watermark, so both are rebuilt: every row is pending again and the next
-- Open masks and indexes them (a one-time cost of about the indexing time of an import).
INSERT INTO record_fts (record_fts) VALUES ('delete-all');
UPDATE search_state SET indexed = 0;

DROP TRIGGER record_search_ad;
DROP TRIGGER record_search_au;

-- As in 0007, for both indexes; a row is in record_fts_masked only when its masked text differs.
-- +goose StatementBegin
CREATE TRIGGER record_search_ad AFTER DELETE ON record_search
WHEN old.doc <= (SELECT indexed FROM search_state) BEGIN
    INSERT INTO record_fts (record_fts, rowid, text) VALUES ('delete', old.doc, old.text);
    INSERT INTO record_fts_masked (record_fts_masked, rowid, masked)
        SELECT 'delete', old.doc, old.masked WHERE old.masked <> '';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER record_search_au AFTER UPDATE ON record_search BEGIN
    INSERT INTO record_fts (record_fts, rowid, text)
        SELECT 'delete', old.doc, old.text WHERE old.doc <= (SELECT indexed FROM search_state);
    INSERT INTO record_fts_masked (record_fts_masked, rowid, masked)
        SELECT 'delete', old.doc, old.masked WHERE old.doc <= (SELECT indexed FROM search_state) AND old.masked <> '';
    INSERT INTO record_fts (rowid, text)
        SELECT new.doc, new.text WHERE new.doc <= (SELECT indexed FROM search_state);
    INSERT INTO record_fts_masked (rowid, masked)
        SELECT new.doc, new.masked WHERE new.doc <= (SELECT indexed FROM search_state) AND new.masked <> '';
END;
-- +goose StatementEnd
