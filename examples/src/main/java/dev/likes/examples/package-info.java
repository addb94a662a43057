/** Runnable demos of the like library. Not published; nothing here is API. */
package dev.likes.examples;
