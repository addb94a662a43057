-- A host application's own first migration, in Flyway's default location: its version numbers collide with the
-- library's, which must not be picked up beside it.
CREATE TABLE host_orders (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(100) NOT NULL) ENGINE=InnoDB;
