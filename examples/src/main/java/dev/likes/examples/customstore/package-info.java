/**
 * A custom {@link dev.likes.core.LikeStore} written the way a user writes one: in its own package, against the public
 * API only, over an ordered key-value map standing in for an ordered key-value database (RocksDB, FoundationDB,
 * Bigtable, DynamoDB with sort keys). Its test extends the contract kit.
 */
package dev.likes.examples.customstore;
