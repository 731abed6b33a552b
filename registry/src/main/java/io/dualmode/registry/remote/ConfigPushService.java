package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.config.ConfigKey;
import io.dualmode.registry.config.ConfigService;
import io.dualmode.registry.metrics.RegistryMetrics;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Tells every listening connection that a config item changed ({@code ConfigChangeNotifyRequest}), with retries. */
public final class ConfigPushService {

    private static final int MAX_ATTEMPTS = 4;

    private final ConfigService config;
    private final ConnectionManager connections;
    private final Payloads payloads;
    private final RegistryMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration ackTimeout;
    private final Duration retryDelay;

    public ConfigPushService(
            ConfigService config,
            ConnectionManager connections,
            Payloads payloads,
            RegistryMetrics metrics,
            ScheduledExecutorService scheduler,
            Duration ackTimeout,
            Duration retryDelay) {
        this.config = config;
        this.connections = connections;
        this.payloads = payloads;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.ackTimeout = ackTimeout;
        this.retryDelay = retryDelay;
        config.addChangeListener(this::changed);
        connections.onClose(c -> config.connectionClosed(c.id()));
    }

    private void changed(ConfigKey key) {
        for (String id : config.listenersOf(key)) {
            notify(id, key, 1);
        }
    }

    private void notify(String connectionId, ConfigKey key, int attempt) {
        Connection connection = connections.get(connectionId);
        if (connection == null || !connection.registered()) {
            return;
        }
        ObjectNode body = payloads.request("config");
        body.put("dataId", key.dataId());
        body.put("group", key.group());
        body.put("tenant", key.tenant());
        connection.request("ConfigChangeNotifyRequest", body, ackTimeout).whenComplete((reply, error) -> {
            if (error == null) {
                metrics.configPush(true);
            } else if (attempt < MAX_ATTEMPTS && connection.registered()) {
                scheduler.schedule(
                        () -> notify(connectionId, key, attempt + 1), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                metrics.configPush(false);
            }
        });
    }
}
