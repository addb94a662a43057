-- What the library adds to the design's like_records, keeping every column, default and index the design gives:
-- content_type: ASCII with binary collation, so SQL sorts it as Java does (the listing order is part of the API);
--   content types are [a-z0-9_], so existing rows convert unchanged.
-- created_at, updated_at: millisecond precision, with the design's defaults. updated_at is the time of the last
--   change; for a row that is not canceled, the time of its (latest) like. The library always sets both.
-- version: the version of the last change applied to the row (events apply only if newer: order-safe); rows written
--   before the upgrade, or by SQL written for the design's table, have version 0, older than every event.
-- idx_content_likers, idx_user_likes, idx_user_type_likes: the likers and "my likes" listings, one index range each.
ALTER TABLE like_records
  MODIFY content_type VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'Content type',
  MODIFY created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT 'Like time',
  MODIFY updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3) COMMENT 'Update time',
  ADD COLUMN version BIGINT NOT NULL DEFAULT 0 COMMENT 'Version of the last change applied',
  ADD KEY idx_content_likers (content_id, content_type, is_canceled, updated_at, user_id),
  ADD KEY idx_user_likes (user_id, is_canceled, updated_at, content_type, content_id),
  ADD KEY idx_user_type_likes (user_id, content_type, is_canceled, updated_at, content_id);
