-- The test user may create databases (the tests make one each). Run once, when the data directory is new.
CREATE DATABASE IF NOT EXISTS like_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON *.* TO 'like'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
