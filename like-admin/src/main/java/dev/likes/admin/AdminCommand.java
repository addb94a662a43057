package dev.likes.admin;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand: opens the context, runs, prints the result, closes the context. */
abstract class AdminCommand implements Callable<Integer> {

    @ParentCommand
    @Nullable LikeAdmin parent;

    @Spec
    @Nullable CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        LikeAdmin admin = Objects.requireNonNull(parent);
        Map<String, Object> result = new LinkedHashMap<>();
        int code;
        try (AdminContext context = new AdminContext(AdminConfig.load(admin.config, admin.env()))) {
            code = execute(context, result);
        }
        admin.print(Objects.requireNonNull(spec).commandLine().getOut(), result);
        return code;
    }

    /**
     * Does the work and fills {@code result}.
     *
     * @return the exit code
     */
    abstract int execute(AdminContext context, Map<String, Object> result) throws Exception;

    /** Writes a progress line to standard error. */
    void progress(String line) {
        PrintWriter err = Objects.requireNonNull(spec).commandLine().getErr();
        err.println(line);
        err.flush();
    }
}
