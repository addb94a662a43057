/**
 * The real servers of the integration tests (internal): {@link dev.likes.testservers.TestServices} gives each
 * integration test its endpoints.
 * Not API; not published in the BOM.
 */
package dev.likes.testservers;
