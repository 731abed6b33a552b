package io.dualmode.sidecar.agent;

import com.alibaba.nacos.api.config.listener.AbstractListener;
import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.config.ConfigKey;
import io.dualmode.registry.config.ConfigService;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.remote.Connection;
import io.dualmode.registry.remote.ConnectionManager;
import io.dualmode.registry.remote.Payloads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Config requests of the application, relayed to the registry unchanged (Dubbo uses the registry as config centre and
 * metadata report), with change notifications passed back to every local listener.
 */
final class ConfigRelay {

    private static final long TIMEOUT_MILLIS = 3000;

    private final Map<ConfigKey, Set<String>> listeners = new ConcurrentHashMap<>();
    private final Upstream upstream;
    private final ConnectionManager connections;
    private final Payloads payloads;

    ConfigRelay(Upstream upstream, ConnectionManager connections, Payloads payloads) {
        this.upstream = upstream;
        this.connections = connections;
        this.payloads = payloads;
    }

    /** The current content, or null. */
    String get(ConfigKey key) {
        try {
            return upstream.config(key.tenant()).getConfig(key.dataId(), key.group(), TIMEOUT_MILLIS);
        } catch (NacosException e) {
            throw new InvalidRequestException(
                    e.getErrCode(), "the registry failed to read " + key + ": " + e.getErrMsg());
        }
    }

    /** Publishes, compare-and-set when {@code casMd5} is given; false when the registry refused the CAS. */
    boolean publish(ConfigKey key, String content, String casMd5, String type) {
        var config = upstream.config(key.tenant());
        String t = type == null || type.isBlank() ? "text" : type;
        try {
            return casMd5 == null || casMd5.isBlank()
                    ? config.publishConfig(key.dataId(), key.group(), content, t)
                    : config.publishConfigCas(key.dataId(), key.group(), content, casMd5, t);
        } catch (NacosException e) {
            throw new InvalidRequestException(e.getErrCode(), "the registry refused " + key + ": " + e.getErrMsg());
        }
    }

    void remove(ConfigKey key) {
        try {
            upstream.config(key.tenant()).removeConfig(key.dataId(), key.group());
        } catch (NacosException e) {
            throw new InvalidRequestException(
                    e.getErrCode(), "the registry failed to remove " + key + ": " + e.getErrMsg());
        }
    }

    /** Registers the connection as a listener of {@code key}; returns the current MD5 ({@code ""} when absent). */
    String listen(String connectionId, ConfigKey key) {
        listeners.computeIfAbsent(key, this::listenUpstream).add(connectionId);
        String content = get(key);
        return content == null ? "" : ConfigService.md5Hex(content.getBytes(StandardCharsets.UTF_8));
    }

    void unlisten(String connectionId, ConfigKey key) {
        Set<String> set = listeners.get(key);
        if (set != null) {
            set.remove(connectionId);
        }
    }

    void connectionClosed(String connectionId) {
        listeners.values().forEach(s -> s.remove(connectionId));
    }

    private Set<String> listenUpstream(ConfigKey key) {
        Set<String> set = ConcurrentHashMap.newKeySet();
        try {
            upstream.config(key.tenant()).addListener(key.dataId(), key.group(), new AbstractListener() {
                @Override
                public void receiveConfigInfo(String configInfo) {
                    set.forEach(id -> notifyLocal(id, key));
                }
            });
        } catch (NacosException e) {
            throw new InvalidRequestException(
                    e.getErrCode(), "the registry failed to watch " + key + ": " + e.getErrMsg());
        }
        return set;
    }

    private void notifyLocal(String connectionId, ConfigKey key) {
        Connection c = connections.get(connectionId);
        if (c == null || !c.registered()) {
            return;
        }
        ObjectNode body = payloads.request("config");
        body.put("dataId", key.dataId());
        body.put("group", key.group());
        body.put("tenant", key.tenant());
        c.request("ConfigChangeNotifyRequest", body, Duration.ofSeconds(3));
    }
}
