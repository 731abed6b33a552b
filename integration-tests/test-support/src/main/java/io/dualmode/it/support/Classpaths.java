package io.dualmode.it.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Classpaths for child JVMs whose dependencies must not share the test JVM's classpath (SOFARPC needs older Jackson
 * and Netty than the registry). The application module writes its runtime classpath into a resource at build time
 * (maven-dependency-plugin {@code build-classpath}); the test adds the module's own jar or classes directory.
 */
public final class Classpaths {

    private Classpaths() {}

    /**
     * The classpath of an application module.
     *
     * @param anchor any class of that module
     * @param resource the resource its build wrote, e.g. {@code META-INF/dualmode/sofarpc-app.classpath}
     * @return the module's own location followed by its runtime dependencies
     */
    public static String of(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found next to " + anchor.getName());
            }
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String self = Path.of(anchor.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
            return dependencies.isEmpty() ? self : self + File.pathSeparator + dependencies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
