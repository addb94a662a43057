package dev.likes.jdbc;

import dev.likes.core.JobLeases;
import dev.likes.testkit.JobLeasesCompatibilityKit;
import dev.likes.testsupport.JdbcEndpoint;
import dev.likes.testsupport.TestServices;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link JdbiJobLeases} against the kit on a real MariaDB: each instance reaches the database through connections of
 * its own (one per operation, as a separate process would).
 */
class JdbiJobLeasesIT extends JobLeasesCompatibilityKit {

    private static final JdbcEndpoint DATABASE = withSchema(TestServices.freshDatabase());

    private static JdbcEndpoint withSchema(JdbcEndpoint endpoint) {
        JdbiLikeStore.createSchema(connect(endpoint));
        return endpoint;
    }

    private static Jdbi connect(JdbcEndpoint endpoint) {
        return Jdbi.create(endpoint.url(), endpoint.user(), endpoint.password());
    }

    @Override
    protected JobLeases instance() {
        return JdbiJobLeases.create(connect(DATABASE));
    }
}
