-- like_erasures: the users erased for data protection (JdbiLikeStore.eraseUser), and when. The event applier ignores
-- a user's events that happened at or before erased_at, so that an event still on its way cannot bring an erased
-- record back. completed_at is set once every record of the user is deleted.
CREATE TABLE IF NOT EXISTS like_erasures (
  user_id      BIGINT       NOT NULL,
  erased_at    DATETIME(3)  NOT NULL,
  completed_at DATETIME(3)  NULL,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- like_requests by user: an erasure deletes a user's request IDs without a scan of the table.
ALTER TABLE like_requests ADD KEY idx_user (user_id);
