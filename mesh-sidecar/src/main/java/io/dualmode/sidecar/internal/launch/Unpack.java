package io.dualmode.sidecar.internal.launch;

import io.dualmode.sidecar.config.SidecarErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Unpacks the sidecar's {@code -all} jar into a directory the JVM can use as its class path ({@code
 * DUALMODE_SIDECAR_UNPACK=1} in the launch script). A JVM started from a jar keeps the jar's whole central directory
 * on its heap for as long as it runs (2.8 MB plus a 0.6 MB index for the 26,000 entries of this jar); started from a
 * directory it keeps none, and it starts a little sooner (docs/benchmarks.md, "Where the memory goes").
 *
 * <p>Multi-release entries ({@code META-INF/versions/N/...}) for every {@code N} up to the running Java version are
 * laid over the base entries, in ascending order, as the JVM would pick them from the jar. The directory is written
 * under a temporary name and renamed into place only when complete (marked by {@value #COMPLETE}), so a sidecar never
 * starts from a half-written directory and two that unpack at once both end with the same result.
 */
public final class Unpack {
    /** The file that marks a complete directory. */
    public static final String COMPLETE = ".dualmode-unpacked";

    private static final String VERSIONS = "META-INF/versions/";

    private Unpack() {}

    /** {@code Unpack <jar> <directory>}: exit code 0 when the directory is complete, 2 otherwise. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Unpack <sidecar -all jar> <directory>");
            System.exit(2);
        }
        try {
            unpack(Path.of(args[0]), Path.of(args[1]));
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Unpacks {@code jar} into {@code target} unless {@code target} is already complete.
     *
     * @throws io.dualmode.sidecar.config.SidecarException {@code SIDECAR-0020} when the jar cannot be read, an entry
     *     would land outside the directory, or the directory cannot be written
     */
    public static void unpack(Path jar, Path target) {
        if (Files.exists(target.resolve(COMPLETE))) {
            return;
        }
        Path temp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = Files.createTempDirectory(target.toAbsolutePath().getParent(), target.getFileName() + ".tmp");
            extract(jar, temp);
            Files.writeString(temp.resolve(COMPLETE), jar.toAbsolutePath() + "\n");
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                if (!Files.exists(target.resolve(COMPLETE))) {
                    throw e;
                }
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
                temp = null;
            }
        } catch (IOException | UncheckedIOException e) {
            throw SidecarErrors.UNPACK_FAILED.exception(jar, target, e.toString());
        } finally {
            if (temp != null) {
                delete(temp);
            }
        }
    }

    private static void extract(Path jar, Path into) throws IOException {
        int feature = Runtime.version().feature();
        TreeMap<Integer, java.util.List<JarEntry>> versioned = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (name.startsWith(VERSIONS)) {
                    int slash = name.indexOf('/', VERSIONS.length());
                    Integer version = slash < 0 ? null : parseVersion(name.substring(VERSIONS.length(), slash));
                    if (version != null && version <= feature) {
                        versioned
                                .computeIfAbsent(version, v -> new java.util.ArrayList<>())
                                .add(entry);
                    }
                }
                write(file, entry, name, into);
            }
            for (java.util.List<JarEntry> entries : versioned.values()) {
                for (JarEntry entry : entries) {
                    String name = entry.getName();
                    write(file, entry, name.substring(name.indexOf('/', VERSIONS.length()) + 1), into);
                }
            }
        }
    }

    private static Integer parseVersion(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void write(JarFile file, JarEntry entry, String name, Path into) throws IOException {
        Path out = into.resolve(name).normalize();
        if (!out.startsWith(into) || name.isEmpty()) {
            throw new IOException("entry '" + entry.getName() + "' would be written outside the directory");
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temporary directory is harmless
        }
    }
}
