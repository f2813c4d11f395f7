-- Token buckets shared by every worker replica: an organisation-wide budget (for example the
-- LLM's requests per minute) is spent from one row, whatever the number of processes.
CREATE TABLE rate_limits (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL,
    updated_at timestamptz      NOT NULL DEFAULT clock_timestamp()
);
