-- +goose Up
-- The masking rules the stored masked search texts (0009) were made with. Open compares it with
-- mask.Version and masks every text again when the rules have changed since, so a change to the
-- rules can never leave search matching what the new rules hide.
CREATE TABLE mask_state (version INTEGER NOT NULL);
INSERT INTO mask_state (version) VALUES (1);

