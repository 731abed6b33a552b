package io.dualmode.platform.metrics;

import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code window} query parameter: {@code 30s}, {@code 5m}, {@code 1500ms} or ISO-8601, from 1 s to 10 min. */
final class Window {

    static final Duration MIN = Duration.ofSeconds(1);

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private Window() {}

    /** The window, or {@link PlatformError#INVALID_QUERY} naming what is wrong. */
    static Duration parse(String text) {
        Duration d = read(text.trim().toLowerCase(Locale.ROOT));
        if (d == null) {
            throw invalid(text, "is not a duration");
        }
        if (d.compareTo(MIN) < 0 || d.compareTo(SidecarTraffic.MAX_WINDOW) > 0) {
            throw invalid(text, "is out of range");
        }
        return d;
    }

    private static Duration read(String text) {
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
        try {
            return text.startsWith("pt") ? Duration.parse(text) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ApiException invalid(String text, String why) {
        return new ApiException(
                PlatformError.INVALID_QUERY,
                "window '" + text + "' " + why + "; use a duration from 1s to 10m such as 60s or 5m");
    }
}
