package io.dualmode.sidecar.control;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.validation.GovernanceJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The last good rules on disk: {@code governance.json} in the state directory, a JSON array of pushed resources,
 * replaced atomically (written beside, then moved) so a crash leaves the old file or the new one, never half.
 */
final class StateFile {

    static final String NAME = "governance.json";

    private StateFile() {}

    static void write(Path dir, List<Resource> resources) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, NAME, ".tmp");
        try {
            Files.write(tmp, GovernanceJson.mapper().writeValueAsBytes(resources));
            Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static final String MODE = "mode.json";

    /** Saves the last mode directive applied, the same atomic way. */
    static void writeMode(Path dir, io.dualmode.governance.push.ModeDirective directive) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, MODE, ".tmp");
        try {
            Files.write(tmp, GovernanceJson.mapper().writeValueAsBytes(directive));
            Files.move(tmp, dir.resolve(MODE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The last mode directive applied, or null when none was saved. */
    static io.dualmode.governance.push.ModeDirective readMode(Path dir) throws IOException {
        Path file = dir.resolve(MODE);
        if (!Files.exists(file)) {
            return null;
        }
        return GovernanceJson.mapper().readValue(file.toFile(), io.dualmode.governance.push.ModeDirective.class);
    }

    /** The saved resources; empty when nothing was saved. */
    static List<Resource> read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        return GovernanceJson.mapper().readValue(file.toFile(), new TypeReference<List<Resource>>() {});
    }
}
