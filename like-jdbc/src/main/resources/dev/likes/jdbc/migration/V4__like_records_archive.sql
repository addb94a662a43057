-- like_records_archive: records moved out of the hot table by LikeArchiver (old likes, older canceled rows).
-- Compressed pages: cold data is read rarely and costs disk, not speed. archived_at: when it was moved.
-- Archived likes still count and are still listed: the listings read this table's likers and user indexes too.
CREATE TABLE like_records_archive (
  id           BIGINT       NOT NULL,
  user_id      BIGINT       NOT NULL,
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  updated_at   DATETIME(3)  NOT NULL,
  is_canceled  TINYINT(1)   NOT NULL,
  version      BIGINT       NOT NULL,
  archived_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_content (user_id, content_id, content_type),
  KEY idx_content (content_id, content_type),
  KEY idx_content_likers (content_id, content_type, is_canceled, updated_at, user_id),
  KEY idx_user_likes (user_id, is_canceled, updated_at, content_type, content_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=COMPRESSED;
