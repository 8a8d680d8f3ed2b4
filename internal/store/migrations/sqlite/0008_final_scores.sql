-- +goose Up
-- A record's result columns (score, passed, fatal, scorecard, version, failed; 0005) hold its final
-- result: the newest final human review where there is one (review_id), else the latest automatic
-- inspection. The latest automatic inspection stays known beside it (auto_*), so that a dispute,
-- which takes a human score out until it is decided, can fall back to it, and so that samplers and
-- review queues keep seeing the automatic score. rollup_daily counts the reviewed records.
ALTER TABLE records ADD COLUMN review_id INTEGER NOT NULL DEFAULT 0; -- 0 = the automatic result
ALTER TABLE records ADD COLUMN auto_score REAL;
ALTER TABLE records ADD COLUMN auto_scorecard TEXT;
ALTER TABLE records ADD COLUMN auto_version INTEGER;
ALTER TABLE rollup_daily ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;

UPDATE records SET auto_score = score, auto_scorecard = scorecard, auto_version = version;

-- Reviews made final before this migration become the records' results.
UPDATE records SET review_id = f.id, score = f.score, passed = f.passed, fatal = f.fatal,
    scorecard = f.scorecard, version = f.version, failed = f.failed
FROM (SELECT rv.id, rv.record_id, rv.score, rv.passed,
        CASE WHEN json_extract(rv.data, '$.fatal') THEN 1 ELSE 0 END AS fatal,
        json_extract(rv.data, '$.scorecard') AS scorecard, json_extract(rv.data, '$.version') AS version,
        (SELECT json_group_array(json_extract(i.value, '$.item')) FROM json_each(rv.data, '$.items') i
            WHERE json_extract(i.value, '$.result') = 'fail') AS failed
    FROM reviews rv
    WHERE rv.status = 'final' AND NOT EXISTS (SELECT 1 FROM reviews n WHERE n.record_id = rv.record_id
        AND n.status = 'final' AND (n.created_at > rv.created_at OR (n.created_at = rv.created_at AND n.id > rv.id)))) AS f
WHERE records.id = f.record_id;

-- The rollups again from the records, as rollup.go keeps them.
DELETE FROM rollup_daily;
INSERT INTO rollup_daily (day, agent_id, agent_name, team, channel, scorecard, records, score_sum, passed, fatal, reviewed)
SELECT (started_at + 28800000) / 86400000, agent_id, agent_name, team, channel, COALESCE(scorecard, ''), COUNT(*),
    COALESCE(SUM(score), 0), SUM(CASE WHEN passed THEN 1 ELSE 0 END), SUM(CASE WHEN fatal THEN 1 ELSE 0 END),
    SUM(CASE WHEN review_id <> 0 THEN 1 ELSE 0 END)
FROM records GROUP BY 1, 2, 3, 4, 5, 6;

DELETE FROM rollup_failed;
INSERT INTO rollup_failed (day, agent_id, agent_name, team, channel, scorecard, item, failed)
SELECT (r.started_at + 28800000) / 86400000, r.agent_id, r.agent_name, r.team, r.channel, r.scorecard, f.value, COUNT(*)
FROM records r, json_each(r.failed) f
WHERE r.scorecard IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
