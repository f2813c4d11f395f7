-- Fair shared rate limits (issue 15). A taker no longer polls the bucket until a token is free
-- (a replica farther from the database lost that race every time and waited 22 s): it reserves
-- the next free slot in one statement and sleeps until then, so takers are served in the order
-- they asked. `next_free_at` is the "theoretical arrival time" of the generic cell rate
-- algorithm: each reservation advances it by 1/rate; up to one second of budget may be spent
-- at once after an idle spell. '-infinity': a full bucket.
ALTER TABLE rate_limits ADD COLUMN next_free_at timestamptz NOT NULL DEFAULT '-infinity';

-- The columns of the polling bucket stay for replicas of the previous version while a rolling
-- upgrade runs; new rows need no value for them.
ALTER TABLE rate_limits ALTER COLUMN tokens SET DEFAULT 0;
