package io.dualmode.governance.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive copies that keep {@code null} (absent) and null elements, so the validator can point at them. */
final class Copies {

    private Copies() {}

    static <T> List<T> list(List<T> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
