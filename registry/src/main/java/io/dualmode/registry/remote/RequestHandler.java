package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Handles one type of client request. Returns the response body; the response type name is {@link #responseType()}.
 * Throw {@link RemoteException} or {@link io.dualmode.registry.naming.InvalidRequestException} to answer with a Nacos
 * error code.
 */
public interface RequestHandler {

    /** The simple class name of the response, e.g. {@code InstanceResponse}. */
    String responseType();

    /** Handles {@code request} from {@code connection}; fills and returns {@code response}. */
    ObjectNode handle(Connection connection, JsonNode request, ObjectNode response);
}
