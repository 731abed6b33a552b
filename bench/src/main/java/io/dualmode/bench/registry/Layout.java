package io.dualmode.bench.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Who registers and subscribes what. Instance {@code i} belongs to service {@code i % services} and is registered by
 * provider connection {@code (service * replicas + replica) % providers}, so no connection holds two instances of one
 * service (Nacos keeps one per connection and service). Service 0 is the broadcast service every subscriber follows;
 * each lightweight subscriber also follows {@code subscriptionsPerClient} of the {@code hotServices} services 1..H, and
 * each nacos-client subscriber two of them.
 */
record Layout(
        int services,
        int instances,
        int providers,
        int subscribers,
        int subscriptionsPerClient,
        int hotServices,
        int nacosSubscribers,
        int metadataBytes) {

    static final String CHANGER_IP = "10.254.0.1";
    static final int NACOS_SUBSCRIPTIONS = 2;
    private static final String PREFIX = "bench-svc-";

    Layout {
        if (services < 2 || instances < services) {
            throw new IllegalArgumentException("need at least 2 services and one instance per service");
        }
        if (hotServices < 1 || hotServices >= services) {
            throw new IllegalArgumentException("hot services must be 1..services-1");
        }
        if (subscriptionsPerClient > hotServices || NACOS_SUBSCRIPTIONS > hotServices) {
            throw new IllegalArgumentException("a client cannot follow more hot services than there are");
        }
        int replicas = (instances + services - 1) / services;
        if (providers < replicas) {
            throw new IllegalArgumentException("need at least " + replicas + " provider connections");
        }
    }

    /** Instances per service, rounded up. */
    int replicas() {
        return (instances + services - 1) / services;
    }

    static String serviceName(int service) {
        return PREFIX + String.format("%05d", service);
    }

    /** The service index of a service name, grouped ({@code group@@name}) or not; -1 if it is not ours. */
    static int serviceIndex(String name) {
        int at = name.lastIndexOf("@@");
        String plain = at < 0 ? name : name.substring(at + 2);
        return plain.startsWith(PREFIX) ? Integer.parseInt(plain.substring(PREFIX.length())) : -1;
    }

    static int serviceOf(int instance, int services) {
        return instance % services;
    }

    int providerOf(int instance) {
        int service = instance % services;
        int replica = instance / services;
        return (service * replicas() + replica) % providers;
    }

    static String ipOf(int instance) {
        return "10." + ((instance >> 16) & 0xff) + "." + ((instance >> 8) & 0xff) + "." + (instance & 0xff);
    }

    /** The services lightweight subscriber {@code subscriber} follows: the broadcast one, then its hot ones. */
    int[] subscriptionsOf(int subscriber) {
        int[] result = new int[subscriptionsPerClient + 1];
        for (int m = 0; m < subscriptionsPerClient; m++) {
            result[m + 1] = 1 + (int) (((long) subscriber * subscriptionsPerClient + m) % hotServices);
        }
        return result;
    }

    /** The services nacos-client subscriber {@code n} follows: the broadcast one and two hot ones. */
    int[] nacosSubscriptionsOf(int n) {
        int[] result = new int[NACOS_SUBSCRIPTIONS + 1];
        for (int m = 0; m < NACOS_SUBSCRIPTIONS; m++) {
            result[m + 1] = 1 + (int) (((long) n * 7 + m) % hotServices);
        }
        return result;
    }

    /** How many lightweight subscribers follow each service. */
    int[] lightFanout() {
        int[] fanout = new int[services];
        for (int s = 0; s < subscribers; s++) {
            for (int service : subscriptionsOf(s)) {
                fanout[service]++;
            }
        }
        return fanout;
    }

    /** How many nacos-client subscribers follow each service. */
    int[] nacosFanout() {
        int[] fanout = new int[services];
        for (int n = 0; n < nacosSubscribers; n++) {
            for (int service : nacosSubscriptionsOf(n)) {
                fanout[service]++;
            }
        }
        return fanout;
    }

    /** A metadata map with a {@code pad} entry of {@code metadataBytes} characters, like a framework's URL params. */
    ObjectNode metadata() {
        ObjectNode node = Wire.JSON.createObjectNode();
        node.put("protocol", "dubbo");
        if (metadataBytes > 0) {
            node.put("pad", "x".repeat(metadataBytes));
        }
        return node;
    }
}
