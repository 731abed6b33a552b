package io.dualmode.registry.http;

import io.dualmode.registry.naming.InvalidRequestException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Request parameters from the query string and a form body; the first value of each name wins. */
final class Params {

    private final Map<String, String> values = new HashMap<>();

    Params(String uri, String formBody) {
        add(new QueryStringDecoder(uri, StandardCharsets.UTF_8).parameters());
        if (formBody != null && !formBody.isEmpty()) {
            add(new QueryStringDecoder(formBody, StandardCharsets.UTF_8, false).parameters());
        }
    }

    private void add(Map<String, List<String>> params) {
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                values.putIfAbsent(k, v.get(0));
            }
        });
    }

    String get(String name) {
        return values.get(name);
    }

    String get(String name, String alias, String fallback) {
        String v = values.get(name);
        if (v == null) {
            v = values.get(alias);
        }
        return v == null ? fallback : v;
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw InvalidRequestException.invalid("Param '" + name + "' is required.");
        }
        return v;
    }

    int requiredInt(String name) {
        String v = required(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw InvalidRequestException.invalid("Param '" + name + "' must be an integer, got '" + v + "'");
        }
    }

    long getLong(String name, long fallback) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw InvalidRequestException.invalid("Param '" + name + "' must be an integer, got '" + v + "'");
        }
    }

    double getDouble(String name, double fallback) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw InvalidRequestException.invalid("Param '" + name + "' must be a number, got '" + v + "'");
        }
    }

    boolean getBoolean(String name, String alias, boolean fallback) {
        String v = get(name, alias, null);
        return v == null || v.isBlank() ? fallback : Boolean.parseBoolean(v.trim());
    }
}
