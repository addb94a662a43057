package dev.likes.admin;

import dev.likes.core.ContentRef;
import dev.likes.jdbc.GzipJsonLinesArchiveSink;
import dev.likes.jdbc.LikeArchiver;
import dev.likes.jdbc.LikeCountReconciler;
import dev.likes.pipeline.Erasure;
import dev.likes.pipeline.LikePipeline;
import dev.likes.pipeline.LikeReconciler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The subcommands of {@link LikeAdmin}, except {@link ReplayDeadLetters}. */
final class Commands {

    private Commands() {}

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = "Compares every content Redis holds with MySQL, and MySQL's count rows with its records;"
                    + " with --repair, repairs what drifted. Exit code 3 when drift was found and not repaired.")
    static final class Reconcile extends AdminCommand {

        @Option(names = "--repair", description = "Repair what drifted.")
        boolean repair;

        @Override
        int execute(AdminContext context, Map<String, Object> result) {
            progress("reconciling the contents Redis holds");
            LikeReconciler.Report cache = context.pipeline().reconciler().reconcileCached(repair);
            progress("reconciling MySQL's count rows with its records");
            LikeCountReconciler.Report rows = new LikeCountReconciler(context.jdbi()).reconcileAll(repair);
            List<Map<String, Object>> drifts = new ArrayList<>();
            cache.cacheDrifts().forEach(d -> drifts.add(Map.of("content", d.content().toString(), "tier", "redis",
                    "redisCount", d.redisCount(), "mysqlCount", d.mysqlCount(), "usersDiffering", d.usersDiffering())));
            cache.countRowDrifts().forEach(d -> drifts.add(drift(d)));
            rows.drifts().forEach(d -> drifts.add(drift(d)));
            result.put("contentsCheckedInRedis", cache.contentsChecked());
            result.put("contentsCheckedInMysql", rows.contentsChecked());
            result.put("drifts", drifts);
            result.put("repaired", repair && !drifts.isEmpty());
            return drifts.isEmpty() || repair ? 0 : LikeAdmin.DRIFT;
        }

        private static Map<String, Object> drift(LikeCountReconciler.Drift d) {
            return Map.of("content", d.content().toString(), "tier", "mysql count row", "stored", d.stored(),
                    "actual", d.actual());
        }
    }

    @Command(name = "recount", mixinStandardHelpOptions = true,
            description = "Recounts one content from MySQL's records and sets MySQL's count row and Redis to it.")
    static final class Recount extends AdminCommand {

        @Parameters(paramLabel = "CONTENT", description = "The content, as type:id (post:42).")
        String content = "";

        @Override
        int execute(AdminContext context, Map<String, Object> result) {
            ContentRef ref = ContentRef.parse(content);
            LikeCountReconciler.Report rows = new LikeCountReconciler(context.jdbi()).reconcile(ref, true);
            LikeReconciler.Report cache = context.pipeline().reconciler().reconcile(List.of(ref), true);
            long count = new LikeCountReconciler(context.jdbi()).liveRecords(ref);
            result.put("content", ref.toString());
            result.put("count", count);
            result.put("mysqlCountRowWas", rows.drifts().isEmpty() ? count : rows.drifts().get(0).stored());
            result.put("redisWas", cache.cacheDrifts().isEmpty() ? "right" : "count "
                    + cache.cacheDrifts().get(0).redisCount() + ", " + cache.cacheDrifts().get(0).usersDiffering()
                    + " users differing");
            return 0;
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Moves old records to the archive table (and to like.archive.directory as gzip JSON lines"
                    + " when it is set), under the archiver's lease: with several instances, one does it.")
    static final class Archive extends AdminCommand {

        @Option(names = "--age", paramLabel = "DURATION", description = "Archive likes older than this (ISO-8601,"
                + " default P90D).")
        Duration age = LikeArchiver.DEFAULT_AGE;

        @Option(names = "--canceled-age", paramLabel = "DURATION", description = "Archive withdrawn likes older"
                + " than this (default P7D).")
        Duration canceledAge = LikeArchiver.DEFAULT_CANCELED_AGE;

        @Override
        int execute(AdminContext context, Map<String, Object> result) throws Exception {
            LikeArchiver.Builder b = LikeArchiver.builder(context.jdbi(), Clock.systemUTC())
                    .age(age)
                    .canceledAge(canceledAge)
                    .progress(moved -> progress("archived " + moved + " records"));
            Path directory = context.archiveDirectory();
            if (directory != null) {
                b.sink(new GzipJsonLinesArchiveSink(directory));
            }
            result.put("archived", b.build().run());
            return 0;
        }
    }

    @Command(name = "purge-requests", mixinStandardHelpOptions = true,
            description = "Deletes the expired request IDs from MySQL, under the purge's lease.")
    static final class PurgeRequests extends AdminCommand {

        @Override
        int execute(AdminContext context, Map<String, Object> result) throws Exception {
            result.put("purged", context.pipeline().purgeExpiredRequests());
            return 0;
        }
    }

    @Command(name = "forget-user", mixinStandardHelpOptions = true,
            description = "Erases a user from every tier (LikePipeline.forgetUser): Redis, MySQL, the archive files"
                    + " of like.archive.directory, with an ERASE event per record. Run it again after a failure.")
    static final class ForgetUser extends AdminCommand {

        @Parameters(paramLabel = "USER_ID", description = "The user's id, positive.")
        long userId;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait in all (ISO-8601,"
                + " default PT5M).")
        Duration timeout = Duration.ofMinutes(5);

        @Override
        int execute(AdminContext context, Map<String, Object> result) throws Exception {
            progress("erasing user " + userId);
            Erasure erasure = context.pipeline().forgetUser(userId, timeout);
            result.put("userId", erasure.userId());
            result.put("likesWithdrawn", erasure.likesWithdrawn());
            result.put("recordsErased", erasure.recordsErased());
            result.put("requestIdsErased", erasure.requestIdsErased());
            result.put("archiveCopiesErased", erasure.archiveCopiesErased());
            return 0;
        }
    }
}
