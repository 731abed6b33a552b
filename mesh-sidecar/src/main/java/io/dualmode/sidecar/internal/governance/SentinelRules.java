package io.dualmode.sidecar.internal.governance;

import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentinel keeps its rules in JVM-wide managers; this merges the rules of every sidecar in the JVM (tests run
 * several) so that loading one sidecar's rules does not drop another's. Resource names carry the owner's prefix.
 * Called off the event loops only: loading rules takes locks and Sentinel's first use reads its configuration.
 */
public final class SentinelRules {

    private static final String WARM_UP = "dualmode-sidecar-warm-up";
    private static final Map<String, List<FlowRule>> FLOWS = new HashMap<>();
    private static final Map<String, List<DegradeRule>> BREAKERS = new HashMap<>();

    private SentinelRules() {}

    private static boolean warm;

    /**
     * Initialises Sentinel (configuration, logging) on the calling thread, which must not be an event loop. Done
     * before the first rules are loaded, so a sidecar without rate limits or breakers never pays for it.
     */
    static void warmUp() {
        if (warm) {
            return;
        }
        warm = true;
        try {
            // the first entry runs Sentinel's static initialisation (configuration files, SPI, log directory)
            SphU.asyncEntry(WARM_UP).exit();
        } catch (BlockException e) {
            throw new IllegalStateException("no rule guards " + WARM_UP, e);
        }
        FlowRuleManager.getRules();
        DegradeRuleManager.getRules();
    }

    static synchronized void load(String owner, List<FlowRule> flows, List<DegradeRule> breakers) {
        if (flows.isEmpty() && breakers.isEmpty() && !FLOWS.containsKey(owner)) {
            return;
        }
        warmUp();
        FLOWS.put(owner, flows);
        BREAKERS.put(owner, breakers);
        apply();
    }

    /** Drops an owner's rules (a sidecar stopping). */
    public static synchronized void remove(String owner) {
        if (FLOWS.remove(owner) != null | BREAKERS.remove(owner) != null) {
            apply();
        }
    }

    private static void apply() {
        List<FlowRule> flows = new ArrayList<>();
        FLOWS.values().forEach(flows::addAll);
        List<DegradeRule> breakers = new ArrayList<>();
        BREAKERS.values().forEach(breakers::addAll);
        FlowRuleManager.loadRules(flows);
        DegradeRuleManager.loadRules(breakers);
    }
}
