package dev.likes.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * An {@link ArchiveSink} of gzip-compressed JSON lines: one directory per UTC day, one file per batch, named after the
 * batch's first and last record id ({@code 2026-02-01/likes-1001-2000.jsonl.gz}), written to a temporary file and
 * renamed into place, so a rewritten batch replaces its earlier copy whole. One line per record:
 * {@code {"id":1001,"userId":42,"contentType":"post","contentId":7,"createdAt":"…","updatedAt":"…","canceled":false,"version":5}}.
 * Thread-safe as long as batches do not overlap.
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
    public void write(List<ArchivedLike> records) throws IOException {
        LocalDate day = LocalDate.ofInstant(records.get(0).updatedAt(), ZoneOffset.UTC);
        Path dayDirectory = Files.createDirectories(directory.resolve(day.toString()));
        String name = "likes-" + records.get(0).id() + '-' + records.get(records.size() - 1).id() + ".jsonl.gz";
        Path temporary = Files.createTempFile(dayDirectory, name, ".tmp");
        try {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temporary));
                    JsonGenerator json = JSON.createGenerator(out)) {
                json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
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
}
