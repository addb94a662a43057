-- The write path's indexes.
-- like_records: idx_content (content_id, content_type) is a prefix of idx_content_likers, which serves every query
-- it served; dropping it saves one index update per inserted like.
-- like_records_archive: an index by content, so that applying events can ask once per content whether any of its
-- likes were archived, instead of looking every key up in the archive.
ALTER TABLE like_records DROP INDEX idx_content;
ALTER TABLE like_records_archive ADD KEY idx_content (content_id, content_type);
