package io.dualmode.platform.rules;

import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;

/** Reads the expected version from an If-Match header ({@code "3"}, {@code W/"3"} or {@code 3}) or a parameter. */
final class Versions {

    private Versions() {}

    static Long expected(String ifMatch, Long versionParam) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return versionParam;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        try {
            long parsed = Long.parseLong(v);
            if (parsed < 0 || (versionParam != null && versionParam != parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ApiException(
                    PlatformError.INVALID_VERSION,
                    "If-Match is '" + ifMatch + "'; send the rule's version, e.g. \"3\" (and the same in ?version)");
        }
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }
}
