package io.dualmode.platform.metrics;

import java.util.List;

/**
 * The call graph of a window: applications and services with their instance counts by mode, and the calls between
 * them that passed through a sidecar.
 *
 * @param nodes every service of the registry and every application or service an edge names, by id
 * @param edges calls from an application to a service, from the callers' egress reports
 */
public record Topology(List<Node> nodes, List<Edge> edges) {

    /**
     * One application or service.
     *
     * @param id its name
     * @param mesh instances in mesh mode
     * @param sdk instances in SDK mode
     */
    public record Node(String id, long mesh, long sdk) {}
}
