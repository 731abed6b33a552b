package io.dualmode.governance.validation;

import static io.dualmode.governance.validation.Checks.field;

import io.dualmode.governance.rule.HeaderMatch;
import io.dualmode.governance.rule.RequestMatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/** Checks of request matches, shared by every kind that selects calls. */
final class MatchChecks {

    private MatchChecks() {}

    static void match(Checks checks, String path, RequestMatch match) {
        if (match == null) {
            return;
        }
        checks.each(field(path, "methods"), match.methods(), checks::text);
        checks.each(field(path, "headers"), match.headers(), (p, h) -> header(checks, p, h));
    }

    private static void header(Checks checks, String path, HeaderMatch header) {
        if (checks.required(field(path, "name"), header.name())) {
            checks.headerName(field(path, "name"), header.name());
        }
        long given = Stream.of(header.exact(), header.prefix(), header.regex())
                .filter(v -> v != null)
                .count();
        if (given != 1) {
            checks.add(
                    ViolationCode.CONFLICTING_FIELDS,
                    path,
                    "sets " + given + " of exact, prefix and regex; set exactly one");
        }
        if (header.regex() != null) {
            regex(checks, field(path, "regex"), header.regex());
        }
    }

    private static void regex(Checks checks, String path, String regex) {
        int max = checks.limits().maxRegexLength();
        if (regex.length() > max) {
            checks.add(
                    ViolationCode.OUT_OF_RANGE,
                    path,
                    "is " + regex.length() + " characters; at most " + max + " are allowed");
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            checks.add(
                    ViolationCode.INVALID_REGEX,
                    path,
                    "is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
