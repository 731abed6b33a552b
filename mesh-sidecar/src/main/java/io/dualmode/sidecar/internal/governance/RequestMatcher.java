package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.rule.HeaderMatch;
import io.dualmode.governance.rule.RequestMatch;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A compiled {@link RequestMatch}. A method entry starting with {@code /} matches HTTP paths by prefix at a segment
 * boundary; any other entry must equal the method (or the last path segment).
 */
final class RequestMatcher {

    static final RequestMatcher ANY = new RequestMatcher(List.of(), List.of());

    private final List<String> methods;
    private final List<HeaderTest> headers;

    private RequestMatcher(List<String> methods, List<HeaderTest> headers) {
        this.methods = methods;
        this.headers = headers;
    }

    static RequestMatcher of(RequestMatch match) {
        if (match == null) {
            return ANY;
        }
        return new RequestMatcher(
                PolicyCompiler.nn(match.methods()),
                PolicyCompiler.nn(match.headers()).stream().map(HeaderTest::of).toList());
    }

    boolean matches(CallView call) {
        if (!methods.isEmpty() && !methodMatches(call.method())) {
            return false;
        }
        for (HeaderTest h : headers) {
            if (!h.test(call.header(h.name()))) {
                return false;
            }
        }
        return true;
    }

    private boolean methodMatches(String method) {
        if (method == null) {
            return false;
        }
        for (String m : methods) {
            if (m.startsWith("/")
                    ? method.equals(m) || method.startsWith(m.endsWith("/") ? m : m + "/")
                    : method.equals(m) || method.endsWith("/" + m)) {
                return true;
            }
        }
        return false;
    }

    private record HeaderTest(String name, String exact, String prefix, Pattern regex) {

        static HeaderTest of(HeaderMatch h) {
            return new HeaderTest(
                    h.name().toLowerCase(Locale.ROOT),
                    h.exact(),
                    h.prefix(),
                    h.regex() == null ? null : Pattern.compile(h.regex()));
        }

        boolean test(String value) {
            if (value == null) {
                return false;
            }
            if (exact != null) {
                return exact.equals(value);
            }
            if (prefix != null) {
                return value.startsWith(prefix);
            }
            return regex == null || regex.matcher(value).matches();
        }
    }
}
