package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.RouterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** A config file the tool owns, replaced in one rename so a proxy never reads half of it. */
final class AtomicFile {
    private AtomicFile() {
    }

    static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new RouterException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code content}; empty removes the file. */
    static void write(Path file, Optional<String> content) {
        try {
            if (content.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, content.get(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RouterException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
