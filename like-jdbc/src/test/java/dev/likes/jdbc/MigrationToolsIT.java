package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The library's migrations run by a host's own migration tool beside the host's migrations: Flyway with a history
 * table of their own (the host's Flyway, at its default location, does not pick them up), Liquibase through the
 * library's changelog included from the host's; and {@code createSchema} called by several processes at once.
 */
class MigrationToolsIT {

    private static final List<String> LIBRARY_TABLES =
            List.of("like_records", "like_counts", "like_requests", "like_records_archive", "like_degraded",
                    "like_job_leases", "like_erasures");

    private static List<String> tables(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = DATABASE() ORDER BY table_name")
                .mapTo(String.class)
                .list());
    }

    private static long count(Jdbi db, String sql) {
        return db.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** The library's schema works: a like through the store is counted. */
    private static void likeWorks(Jdbi db) {
        ContentRef post = ContentRef.of("post", 7);
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(service.like(1L << 62, post).count()).isEqualTo(1);
            assertThat(service.hasLiked(1L << 62, post)).isTrue();
        }
    }

    @Test
    void flywayRunsTheLibrarysMigrationsWithAHistoryTableOfTheirOwnBesideTheHostsMigrations() {
        DataSource ds = Databases.emptyDataSource();
        Jdbi db = Jdbi.create(ds);

        // the host's Flyway, at its default location classpath:db/migration, runs the host's V1 and V2 only
        Flyway host = Flyway.configure().dataSource(ds).load();
        assertThat(host.migrate().migrationsExecuted).isEqualTo(2);
        assertThat(tables(db)).containsExactlyInAnyOrder("flyway_schema_history", "host_orders");

        // the library's, as docs/jdbc.md shows it: its own location and history table; the schema is not empty, so it
        // starts from a baseline below V1
        Flyway like = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:" + JdbiLikeStore.MIGRATIONS)
                .table("like_flyway_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        assertThat(like.migrate().migrationsExecuted).isEqualTo(7);
        assertThat(like.migrate().migrationsExecuted).isZero();
        assertThat(host.migrate().migrationsExecuted).isZero();
        host.validate();
        like.validate();
        assertThat(tables(db)).containsAll(LIBRARY_TABLES).contains("host_orders", "like_flyway_history");
        assertThat(count(db, "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(2);
        likeWorks(db);
    }

    @Test
    void liquibaseRunsTheLibrarysChangelogIncludedFromTheHosts() throws Exception {
        DataSource ds = Databases.emptyDataSource();
        Jdbi db = Jdbi.create(ds);
        for (int run = 0; run < 2; run++) { // the second run finds every change set applied
            try (Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(ds.getConnection()))) {
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "host/changelog.xml")
                        .execute();
            }
        }
        assertThat(tables(db)).containsAll(LIBRARY_TABLES).contains("host_orders");
        assertThat(count(db, "SELECT COUNT(*) FROM DATABASECHANGELOG WHERE author = 'dev.likes'")).isEqualTo(7);
        assertThat(JdbiLikeStore.LIQUIBASE_CHANGELOG).isEqualTo("dev/likes/jdbc/migration/changelog.xml");
        likeWorks(db);
    }

    @Test
    void createSchemaCalledByManyProcessesAtOnceRunsEachMigrationOnce() throws Exception {
        DataSource ds = Databases.emptyDataSource();
        Jdbi db = Jdbi.create(ds);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // a Jdbi of its own per caller, as separate processes would have
                calls.add(pool.submit(() -> JdbiLikeStore.createSchema(Jdbi.create(ds))));
            }
            for (Future<?> call : calls) {
                call.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(db, "SELECT COUNT(*) FROM like_schema_history")).isEqualTo(7);
        assertThat(tables(db)).containsAll(LIBRARY_TABLES);
        likeWorks(db);
    }
}
