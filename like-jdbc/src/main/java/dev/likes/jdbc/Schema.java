package dev.likes.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Runs the migrations under {@link JdbiLikeStore#MIGRATIONS} that a database has not run yet. */
final class Schema {

    private static final String LOCK = "like_schema_history";
    private static final String[] MIGRATIONS = {"V1__like_records.sql", "V2__like_records_library_columns.sql",
        "V3__like_counts_and_requests.sql", "V4__like_records_archive.sql", "V5__like_degraded.sql",
        "V6__like_job_leases.sql", "V7__like_erasures.sql"};

    private Schema() {}

    /** See {@link JdbiLikeStore#createSchema(Jdbi)}. */
    static void create(Jdbi jdbi) {
        jdbi.useHandle(handle -> {
            Integer locked = handle.createQuery("SELECT GET_LOCK('" + LOCK + "', 60)")
                    .mapTo(Integer.class)
                    .one();
            if (locked == null || locked != 1) {
                throw new IllegalStateException("createSchema: another connection held the lock " + LOCK + " for 60 s");
            }
            try {
                migrate(handle);
            } finally {
                handle.execute("DO RELEASE_LOCK('" + LOCK + "')");
            }
        });
    }

    private static void migrate(Handle handle) {
        handle.execute("CREATE TABLE IF NOT EXISTS like_schema_history ("
                + " version INT NOT NULL PRIMARY KEY, script VARCHAR(100) NOT NULL,"
                + " installed_at DATETIME(3) NOT NULL) ENGINE=InnoDB");
        Set<Integer> done = new HashSet<>(handle.createQuery("SELECT version FROM like_schema_history")
                .mapTo(Integer.class)
                .list());
        for (int i = 0; i < MIGRATIONS.length; i++) {
            int version = i + 1;
            if (done.contains(version)) {
                continue;
            }
            String file = MIGRATIONS[i];
            for (String statement : resource(JdbiLikeStore.MIGRATIONS + '/' + file)
                    .replaceAll("(?m)^--.*$", "")
                    .split(";")) {
                if (!statement.isBlank()) {
                    handle.execute(statement);
                }
            }
            handle.execute("INSERT INTO like_schema_history (version, script, installed_at)"
                    + " VALUES (?, ?, CURRENT_TIMESTAMP(3))", version, file);
        }
    }

    private static String resource(String path) {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
