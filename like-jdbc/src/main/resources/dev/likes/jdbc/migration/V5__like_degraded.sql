-- like_degraded: likes and unlikes a pipeline accepted while Redis was down ("liked, will show later"), until they
-- are replayed into Redis. A row belongs to the process that holds its lease (owner, lease_until); the owner renews
-- it while it runs, and the rows of a process that died are claimed by another once their lease has expired, so no
-- accepted change waits in the memory of one process only.
CREATE TABLE IF NOT EXISTS like_degraded (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  content_id   BIGINT       NOT NULL,
  content_type VARCHAR(20)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id      BIGINT       NOT NULL,
  is_like      TINYINT      NOT NULL,
  request_id   VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NULL,
  event_id     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  occurred_at  DATETIME(3)  NOT NULL,
  owner        VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  lease_until  DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY idx_owner (owner),
  KEY idx_lease (lease_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
