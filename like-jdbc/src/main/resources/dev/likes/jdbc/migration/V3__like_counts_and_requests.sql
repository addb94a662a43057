-- like_counts: the live count per content, so a count is never a COUNT(*) over a celebrity's millions of rows.
-- Seeded from the records a database already holds (none on a new database).
CREATE TABLE like_counts (
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  like_count   BIGINT       NOT NULL,
  version      BIGINT       NOT NULL,
  PRIMARY KEY (content_id, content_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO like_counts (content_id, content_type, like_count, version)
  SELECT content_id, content_type, COUNT(*), 0 FROM like_records WHERE is_canceled = 0 GROUP BY content_id, content_type;

-- like_requests: request IDs seen, for the store's own like/unlike (at most once per user, content, request ID);
-- rows past expires_at are purged in bounded batches (JdbiLikeStore.purgeExpiredRequests).
CREATE TABLE like_requests (
  user_id      BIGINT       NOT NULL,
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_id   VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  expires_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (content_id, content_type, user_id, request_id),
  KEY idx_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
