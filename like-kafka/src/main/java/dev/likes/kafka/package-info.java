/** Like events on Kafka (module {@code like-kafka}); its publisher and consumer arrive with their own issue. */
package dev.likes.kafka;
