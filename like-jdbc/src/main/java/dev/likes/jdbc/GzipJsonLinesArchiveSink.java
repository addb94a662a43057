package dev.likes.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An {@link ArchiveSink} of gzip-compressed JSON lines: one directory per UTC day, one file per batch, named after the
 * batch's first and last record id ({@code 2026-02-01/likes-1001-2000.jsonl.gz}), written to a temporary file and
 * renamed into place, so a rewritten batch replaces its earlier copy whole. One line per record:
 * {@code {"id":1001,"userId":42,"contentType":"post","contentId":7,"createdAt":"…","updatedAt":"…","canceled":false,"version":5}}.
 *
 * <p>{@link #eraseUser} rewrites every file that holds a line of the user (read whole, written to a temporary file,
 * renamed into place; a file left empty is deleted): its cost grows with the whole archive, so erasures are best run
 * in groups. Thread-safe: writes and erasures of one instance run one at a time; instances in several processes must
 * not write one directory at once (run the archiver under its lease).
 */
public final class GzipJsonLinesArchiveSink implements ArchiveSink {

    private static final JsonFactory JSON = new JsonFactory();

    private final Path directory;

    /**
     * Creates the sink.
     *
     * @param directory where the day directories go; created if missing
     */
    public GzipJsonLinesArchiveSink(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory must not be null");
    }

    @Override
    public synchronized void write(List<ArchivedLike> records) throws IOException {
        LocalDate day = LocalDate.ofInstant(records.get(0).updatedAt(), ZoneOffset.UTC);
        Path dayDirectory = Files.createDirectories(directory.resolve(day.toString()));
        String name = "likes-" + records.get(0).id() + '-' + records.get(records.size() - 1).id() + ".jsonl.gz";
        Path temporary = Files.createTempFile(dayDirectory, name, ".tmp");
        try {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temporary));
                    JsonGenerator json = JSON.createGenerator(out)) {
                json.setRootValueSeparator(new SerializedString("\n"));
                for (ArchivedLike r : records) {
                    json.writeStartObject();
                    json.writeNumberField("id", r.id());
                    json.writeNumberField("userId", r.userId());
                    json.writeStringField("contentType", r.content().type());
                    json.writeNumberField("contentId", r.content().id());
                    json.writeStringField("createdAt", r.createdAt().toString());
                    json.writeStringField("updatedAt", r.updatedAt().toString());
                    json.writeBooleanField("canceled", r.canceled());
                    json.writeNumberField("version", r.version());
                    json.writeEndObject();
                }
                json.writeRaw('\n');
            }
            Files.move(temporary, dayDirectory.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public synchronized long eraseUser(long userId) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(directory, 2)) {
            files = all.filter(f -> f.getFileName().toString().endsWith(".jsonl.gz")).sorted().toList();
        }
        long erased = 0;
        for (Path file : files) {
            erased += eraseFrom(file, userId);
        }
        return erased;
    }

    /** Rewrites one file without the user's lines; returns how many lines went. */
    private static long eraseFrom(Path file, long userId) throws IOException {
        List<String> kept = new ArrayList<>();
        long erased = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                if (userOf(line) == userId) {
                    erased++;
                } else {
                    kept.add(line);
                }
            }
        }
        if (erased == 0) {
            return 0;
        }
        if (kept.isEmpty()) {
            Files.delete(file);
            return erased;
        }
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(temporary)),
                    StandardCharsets.UTF_8)) {
                for (String line : kept) {
                    out.write(line);
                    out.write('\n');
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return erased;
    }

    /** The {@code userId} field of one line; -1 if it has none. */
    private static long userOf(String line) throws IOException {
        try (JsonParser json = JSON.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("userId".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    return json.getLongValue();
                }
                json.skipChildren();
            }
            return -1;
        }
    }
}
