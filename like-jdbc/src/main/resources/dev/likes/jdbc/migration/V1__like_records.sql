-- like_records as the design gives it: who likes what, one row per (user, content), never deleted by an unlike
-- (logical delete). IF NOT EXISTS: a database that already holds the design's table keeps it and its rows, and V2
-- upgrades it in place.
CREATE TABLE IF NOT EXISTS like_records (
  id           BIGINT(20)   NOT NULL AUTO_INCREMENT COMMENT 'Primary key',
  user_id      BIGINT(20)   NOT NULL COMMENT 'User ID',
  content_id   BIGINT(20)   NOT NULL COMMENT 'Content ID',
  content_type VARCHAR(20)  NOT NULL COMMENT 'Content type',
  created_at   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT 'Like time',
  updated_at   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'Update time',
  is_canceled  TINYINT(1)   NOT NULL DEFAULT 0 COMMENT 'Logical delete flag',
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_content (user_id, content_id, content_type) COMMENT 'Prevent duplicate likes',
  KEY idx_content (content_id, content_type) COMMENT 'Query by content'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='User like records';
