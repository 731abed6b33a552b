package io.dualmode.it.nacos;

import com.alibaba.nacos.api.naming.listener.Event;
import com.alibaba.nacos.api.naming.listener.EventListener;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Keeps the instance list of the last push a subscriber received. */
final class RecordingListener implements EventListener {

    private final AtomicReference<List<Instance>> latest = new AtomicReference<>();

    @Override
    public void onEvent(Event event) {
        if (event instanceof NamingEvent naming) {
            latest.set(List.copyOf(naming.getInstances()));
        }
    }

    /** @return the ports in the last push; empty before the first one */
    Set<Integer> ports() {
        List<Instance> instances = latest.get();
        return instances == null
                ? Set.of()
                : instances.stream().map(Instance::getPort).collect(Collectors.toSet());
    }

    /** @return whether any push arrived */
    boolean pushed() {
        return latest.get() != null;
    }
}
