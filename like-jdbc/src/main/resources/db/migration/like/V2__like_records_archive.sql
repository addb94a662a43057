-- like_records_archive: records moved out of the hot table by LikeArchiver (old likes, older canceled rows).
-- Compressed pages: cold data is read rarely and costs disk, not speed. archived_at: when it was moved.
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
  UNIQUE KEY uk_user_content (user_id, content_id, content_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=COMPRESSED;
