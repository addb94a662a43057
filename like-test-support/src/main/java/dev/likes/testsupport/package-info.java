/**
 * Internal test support: {@link dev.likes.testsupport.TestServices} gives integration tests their real servers.
 * Not API; not published in the BOM.
 */
package dev.likes.testsupport;
