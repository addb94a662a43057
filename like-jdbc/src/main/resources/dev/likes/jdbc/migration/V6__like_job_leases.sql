-- like_job_leases: which instance runs a background job (the archiver, the request purge) while several instances of
-- a host run it on a schedule (JdbiJobLeases). The lease of a job expires at expires_at, on the database's clock, so
-- the job goes to another instance when its holder died or hung.
CREATE TABLE IF NOT EXISTS like_job_leases (
  job        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  holder     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  PRIMARY KEY (job)
) ENGINE=InnoDB;
