package io.dualmode.governance.validation;

/** Every violation code of the governance model: stable, shown to operators and sent in NACKs. */
public enum ViolationCode {
    /** The document is not well-formed JSON, or not a JSON object. */
    MALFORMED_DOCUMENT("GOV-0001"),
    /** The document is larger than the configured maximum. */
    DOCUMENT_TOO_LARGE("GOV-0002"),
    /** A field the model does not define. */
    UNKNOWN_FIELD("GOV-0003"),
    /** A value of the wrong JSON type, or not one of the allowed values. */
    WRONG_TYPE("GOV-0004"),
    /** A required value is missing or null. */
    REQUIRED("GOV-0005"),
    /** A number outside its allowed range. */
    OUT_OF_RANGE("GOV-0006"),
    /** The weights of a route's destinations do not sum to 100. */
    WEIGHTS_NOT_100("GOV-0007"),
    /** A regular expression that does not compile. */
    INVALID_REGEX("GOV-0008"),
    /** A reference to a subset the rule does not define. */
    UNDEFINED_SUBSET("GOV-0009"),
    /** Two items that must have distinct names share one. */
    DUPLICATE_NAME("GOV-0010"),
    /** Routing delegation that leads back to where it started. */
    ROUTING_LOOP("GOV-0011"),
    /** Fields that exclude each other are set together, or none of a required alternative is. */
    CONFLICTING_FIELDS("GOV-0012"),
    /** A list longer than the configured maximum. */
    TOO_MANY_ITEMS("GOV-0013"),
    /** A name (service, subset, label, header) that is empty, too long or has characters not allowed. */
    INVALID_NAME("GOV-0014"),
    /** A rule kind the model does not define. */
    UNKNOWN_KIND("GOV-0015"),
    /** A push protocol message that cannot be read. */
    MALFORMED_PUSH_MESSAGE("GOV-0101"),
    /** A push resource the receiver could not apply; carried in a NACK. */
    RESOURCE_REJECTED("GOV-0102"),
    /** A sidecar's load report that is not well-formed ({@code LoadReport#problems()}); it is dropped whole. */
    MALFORMED_LOAD_REPORT("GOV-0103");

    private final String code;

    ViolationCode(String code) {
        this.code = code;
    }

    /** The stable code, e.g. {@code GOV-0007}. */
    public String code() {
        return code;
    }
}
