package io.dualmode.sidecar.protocol.bolt;

/** A JSON string literal, for error messages of the json codec. */
final class JsonString {

    private JsonString() {}

    static String of(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            append(json, value.charAt(i));
        }
        return json.append('"').toString();
    }

    private static void append(StringBuilder json, char c) {
        switch (c) {
            case '"' -> json.append("\\\"");
            case '\\' -> json.append("\\\\");
            case '\n' -> json.append("\\n");
            case '\r' -> json.append("\\r");
            case '\t' -> json.append("\\t");
            default -> {
                if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
        }
    }
}
