-- like_records: who likes what, one row per (user, content), never deleted by an unlike (logical delete).
-- content_type is ASCII with binary collation, so SQL sorts it as Java does (the listing order is part of the API).
-- version: the version of the last change applied to the row (events apply only if newer: order-safe).
-- updated_at: the time of the last change; for a row that is not canceled, the time of its (latest) like.
CREATE TABLE like_records (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  user_id      BIGINT       NOT NULL,
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  updated_at   DATETIME(3)  NOT NULL,
  is_canceled  TINYINT(1)   NOT NULL DEFAULT 0,
  version      BIGINT       NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_content (user_id, content_id, content_type),
  KEY idx_content (content_id, content_type),
  KEY idx_content_likers (content_id, content_type, is_canceled, updated_at, user_id),
  KEY idx_user_likes (user_id, is_canceled, updated_at, content_type, content_id),
  KEY idx_user_type_likes (user_id, content_type, is_canceled, updated_at, content_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- like_counts: the live count per content, so a count is never a COUNT(*) over a celebrity's millions of rows.
CREATE TABLE like_counts (
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  like_count   BIGINT       NOT NULL,
  version      BIGINT       NOT NULL,
  PRIMARY KEY (content_id, content_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- like_requests: request IDs seen, for the store's own like/unlike (at most once per user, content, request ID).
CREATE TABLE like_requests (
  user_id      BIGINT       NOT NULL,
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_id   VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  expires_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (content_id, content_type, user_id, request_id),
  KEY idx_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
