package io.dualmode.sidecar;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's current {@link Mode}, held in one atomic reference. The registry agent registers
 * a {@link ModeListener} here to re-register and re-answer subscriptions when the mode flips.
 */
public final class ModeSwitch {
    private static final Logger log = LoggerFactory.getLogger(ModeSwitch.class);
    private final AtomicReference<Mode> mode;
    private final List<ModeListener> listeners = new CopyOnWriteArrayList<>();

    ModeSwitch(Mode initial) {
        this.mode = new AtomicReference<>(initial);
    }

    /** The current mode. */
    public Mode get() {
        return mode.get();
    }

    /** Switches to {@code next}; listeners hear of it only if it changed. Returns the previous mode. */
    public Mode set(Mode next) {
        Mode previous = mode.getAndSet(next);
        if (previous != next) {
            log.info("mode switched from {} to {}", previous.wireName(), next.wireName());
            for (ModeListener l : listeners) {
                l.modeChanged(previous, next);
            }
        }
        return previous;
    }

    /** Adds a listener. */
    public void addListener(ModeListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(ModeListener listener) {
        listeners.remove(listener);
    }
}
