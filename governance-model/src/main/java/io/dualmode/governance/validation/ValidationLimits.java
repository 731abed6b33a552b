package io.dualmode.governance.validation;

/**
 * Size limits applied to rule documents.
 *
 * @param maxDocumentBytes the largest document accepted, in bytes of UTF-8 JSON
 * @param maxItems the longest list accepted anywhere in a document (routes, subsets, headers, callers, ...)
 * @param maxRegexLength the longest regular expression accepted
 */
public record ValidationLimits(int maxDocumentBytes, int maxItems, int maxRegexLength) {

    /** The defaults: 64 KiB documents, 256 items per list, 1,024-character regular expressions. */
    public static final ValidationLimits DEFAULTS = new ValidationLimits(64 * 1024, 256, 1024);

    public ValidationLimits {
        if (maxDocumentBytes < 1 || maxItems < 1 || maxRegexLength < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
