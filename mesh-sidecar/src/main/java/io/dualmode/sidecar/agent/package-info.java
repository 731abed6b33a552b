/**
 * The registry agent: the local Nacos-protocol endpoint through which the application registers and subscribes, and
 * the HTTP API that SOFARPC's {@code mesh} registry calls ({@code SofaMeshApi}), both relayed to the real registry with
 * addresses rewritten per {@link io.dualmode.sidecar.Mode}. Start here: {@link io.dualmode.sidecar.agent.MeshAgent}.
 */
package io.dualmode.sidecar.agent;
