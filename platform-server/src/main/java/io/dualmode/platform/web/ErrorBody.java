package io.dualmode.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The JSON body of every error answer.
 *
 * <pre>{@code
 * {"code": "PLATFORM-0101", "status": 400, "message": "the routing rule is invalid: 1 problem",
 *  "errors": [{"code": "GOV-0007", "path": "$.routes[0].destinations",
 *              "message": "weights sum to 90; make them sum to 100"}]}
 * }</pre>
 *
 * @param code the stable {@code PLATFORM-xxxx} code
 * @param status the HTTP status
 * @param message what went wrong and what to do
 * @param errors the individual problems, each with its own code and JSON path; absent when there is only the message
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(String code, int status, String message, List<FieldError> errors) {

    /**
     * One problem at one place in the request.
     *
     * @param code a stable code ({@code GOV-xxxx} for rule documents)
     * @param path the JSON path of the field, from {@code $}
     * @param message what is wrong and what to do
     */
    public record FieldError(String code, String path, String message) {}
}
