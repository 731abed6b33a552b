package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Binds a YAML document onto the configuration records without Jackson databind, whose ~600 classes would stay in
 * metaspace for the life of the sidecar. The document is composed into SnakeYAML nodes (no Java object is ever
 * constructed from a tag), then mapped by the same annotations Jackson reads, so the key names have one source:
 *
 * <ul>
 *   <li>a type with a {@code @JsonCreator} factory or constructor gets its {@code @JsonProperty} parameters, a
 *       missing key passed as null (0 or false for a primitive);
 *   <li>otherwise a type with a static {@code builder()} gets one builder call per key (the builder's one-argument
 *       methods returning the builder are the keys), then {@code build()}: the types Jackson reads through
 *       {@code @JsonDeserialize(builder = ...)}. That annotation itself is not read: it belongs to databind.
 * </ul>
 *
 * <p>Scalars convert as Jackson converted them for the sidecar: numbers and booleans may be quoted, any scalar is a
 * string, enums ignore case, durations go through {@link Durations#parse}. Unknown keys, duplicate keys and values
 * of the wrong shape are {@link SidecarErrors#CONFIG_SYNTAX} naming the key path and line; a {@link
 * SidecarException} thrown by a creator or builder propagates unchanged.
 */
final class ConfigBinder {
    private static final Set<Tag> PLAIN_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ, Tag.TIMESTAMP, Tag.MERGE);
    private static final Pattern DIGITS = Pattern.compile("[+-]?[0-9]+");

    private final String origin;
    private final Map<Class<?>, Shape> shapes = new HashMap<>();

    private ConfigBinder(String origin) {
        this.origin = origin;
    }

    /** Reads {@code yaml} as a {@code type}; null when the document is empty or {@code null}. */
    static <T> T read(String yaml, Class<T> type, String origin) {
        Node root = compose(yaml, origin);
        return root == null ? null : type.cast(new ConfigBinder(origin).value(root, type, ""));
    }

    /** The single document of {@code yaml} as nodes, null when there is none (what {@code Yaml.compose} does). */
    private static Node compose(String yaml, String origin) {
        LoaderOptions options = new LoaderOptions();
        try {
            return new Composer(new ParserImpl(new StreamReader(yaml), options), new Resolver(), options)
                    .getSingleNode();
        } catch (MarkedYAMLException e) {
            throw SidecarErrors.CONFIG_SYNTAX.exception(origin, describe(e));
        } catch (YAMLException e) {
            throw SidecarErrors.CONFIG_SYNTAX.exception(origin, e.getMessage());
        }
    }

    private static String describe(MarkedYAMLException e) {
        String context = e.getContext() == null ? "" : e.getContext() + ": ";
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where =
                mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
        return context + e.getProblem() + where;
    }

    private Object value(Node node, Type type, String path) {
        if (!PLAIN_TAGS.contains(node.getTag())) {
            throw error(node, path, "tag " + node.getTag() + " is not allowed");
        }
        Class<?> raw = rawClass(type);
        if (node instanceof ScalarNode && node.getTag().equals(Tag.NULL)) {
            return raw.isPrimitive() ? zero(raw) : null;
        }
        if (raw == String.class) {
            return scalar(node, path, "a string");
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) integer(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw == long.class || raw == Long.class) {
            return integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return bool(node, path);
        }
        if (raw == double.class || raw == Double.class) {
            return decimal(node, path);
        }
        if (raw == Duration.class) {
            return duration(node, path);
        }
        if (raw.isEnum()) {
            return enumValue(node, raw, path);
        }
        if (raw == List.class) {
            return list(node, typeArgument(type, 0), path);
        }
        if (raw == Map.class) {
            return map(node, typeArgument(type, 1), path);
        }
        return object(node, raw, path);
    }

    private String scalar(Node node, String path, String expected) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(node, path, "expected " + expected + ", got " + kind(node));
    }

    private long integer(Node node, String path, long min, long max) {
        String text = scalar(node, path, "an integer").trim();
        String t = text.replace("_", "");
        long v;
        try {
            v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            String problem = DIGITS.matcher(t).matches() ? "is out of range" : "is not an integer";
            throw error(node, path, "'" + text + "' " + problem);
        }
        if (v < min || v > max) {
            throw error(node, path, "'" + text + "' is out of range (" + min + " to " + max + ")");
        }
        return v;
    }

    private boolean bool(Node node, String path) {
        String t = scalar(node, path, "true or false").trim().toLowerCase(Locale.ROOT);
        boolean yaml11 = node.getTag().equals(Tag.BOOL);
        if (t.equals("true") || yaml11 && (t.equals("yes") || t.equals("on"))) {
            return true;
        }
        if (t.equals("false") || yaml11 && (t.equals("no") || t.equals("off"))) {
            return false;
        }
        throw error(node, path, "expected true or false, got " + kind(node));
    }

    private double decimal(Node node, String path) {
        String text = scalar(node, path, "a number").trim();
        try {
            double d = Double.parseDouble(text.replace("_", ""));
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(node, path, "expected a number, got " + kind(node));
    }

    private Duration duration(Node node, String path) {
        String text = scalar(node, path, "a duration");
        try {
            return Durations.parse(text);
        } catch (SidecarException e) {
            throw new SidecarException(e.error(), e.getMessage() + " (" + where(path, node) + ")");
        }
    }

    private Object enumValue(Node node, Class<?> type, String path) {
        String text = scalar(node, path, "one of " + names(type));
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw error(node, path, kind(node) + " is not one of " + names(type));
    }

    private List<Object> list(Node node, Type element, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, path, "expected a list, got " + kind(node));
        }
        List<Object> out = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String itemPath = path + "[" + out.size() + "]";
            out.add(value(present(item, itemPath, "a list item"), element, itemPath));
        }
        return out;
    }

    private Map<String, Object> map(Node node, Type valueType, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        entries(node, path, "a mapping").forEach((key, tuple) -> {
            String keyPath = path + "['" + key + "']";
            out.put(key, value(present(tuple.getValueNode(), keyPath, "a value"), valueType, keyPath));
        });
        return out;
    }

    private Object object(Node node, Class<?> type, String path) {
        Shape shape = shapes.computeIfAbsent(type, Shape::of);
        Map<String, NodeTuple> entries = entries(node, path, "a mapping of " + String.join(", ", shape.keys()));
        entries.forEach((key, tuple) -> {
            if (!shape.types().containsKey(key)) {
                throw error(
                        tuple.getKeyNode(),
                        child(path, key),
                        "unknown key (known keys: " + String.join(", ", shape.keys()) + ")");
            }
        });
        Map<String, Object> values = new LinkedHashMap<>();
        entries.forEach((key, tuple) ->
                values.put(key, value(tuple.getValueNode(), shape.types().get(key), child(path, key))));
        try {
            return shape.build(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SidecarException se) {
                throw se;
            }
            throw error(node, path.isEmpty() ? "the configuration" : path, "invalid (" + e.getCause() + ")");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot bind " + type.getName(), e);
        }
    }

    /** The entries of a mapping by key, in document order; duplicate or non-scalar keys are errors. */
    private Map<String, NodeTuple> entries(Node node, String path, String expected) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(
                    node, path.isEmpty() ? "the configuration" : path, "expected " + expected + ", got " + kind(node));
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw error(
                        keyNode,
                        path.isEmpty() ? "the configuration" : path,
                        "a key must be a name, got " + kind(keyNode));
            }
            if (out.putIfAbsent(k.getValue(), tuple) != null) {
                throw error(keyNode, child(path, k.getValue()), "duplicate key");
            }
        }
        return out;
    }

    private Node present(Node node, String path, String what) {
        if (node instanceof ScalarNode && node.getTag().equals(Tag.NULL)) {
            throw error(node, path, what + " must not be empty");
        }
        return node;
    }

    private SidecarException error(Node node, String path, String problem) {
        return SidecarErrors.CONFIG_SYNTAX.exception(origin, path + ": " + problem + " (line " + line(node) + ")");
    }

    private String where(String path, Node node) {
        return path + " in " + origin + ", line " + line(node);
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private static String names(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        return primitive == long.class ? 0L : primitive == double.class ? (Object) 0.0 : (Object) 0;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        throw new IllegalStateException("unsupported configuration type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalStateException("raw collection type in the configuration: " + type);
    }

    /** How one configuration type is built: its keys with their types, and the call that makes it. */
    private interface Shape {
        Map<String, Type> types();

        Object build(Map<String, Object> values) throws ReflectiveOperationException;

        default List<String> keys() {
            return List.copyOf(new TreeSet<>(types().keySet()));
        }

        static Shape of(Class<?> type) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)) {
                    return CreatorShape.of(m);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (c.isAnnotationPresent(JsonCreator.class)) {
                    return CreatorShape.of(c);
                }
            }
            try {
                return BuilderShape.of(type.getMethod("builder"));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has neither a @JsonCreator nor a builder()", e);
            }
        }
    }

    /** A {@code @JsonCreator} factory or constructor whose parameters are named by {@code @JsonProperty}. */
    private record CreatorShape(Executable creator, List<String> names, Map<String, Type> types) implements Shape {
        static CreatorShape of(Executable creator) {
            List<String> names = new ArrayList<>();
            Map<String, Type> types = new HashMap<>();
            for (Parameter p : creator.getParameters()) {
                JsonProperty property = p.getAnnotation(JsonProperty.class);
                if (property == null) {
                    throw new IllegalStateException(creator + ": parameter " + p.getName() + " has no @JsonProperty");
                }
                names.add(property.value());
                types.put(property.value(), p.getParameterizedType());
            }
            return new CreatorShape(creator, names, types);
        }

        @Override
        public Object build(Map<String, Object> values) throws ReflectiveOperationException {
            Object[] args = new Object[names.size()];
            for (int i = 0; i < args.length; i++) {
                Class<?> t = rawClass(types.get(names.get(i)));
                Object v = values.get(names.get(i));
                args[i] = v == null && t.isPrimitive() ? zero(t) : v;
            }
            return creator instanceof Constructor<?> c ? c.newInstance(args) : ((Method) creator).invoke(null, args);
        }
    }

    /** A static {@code builder()}: each one-argument method returning the builder sets the key of its name. */
    private record BuilderShape(Method factory, Map<String, Method> setters, Method build, Map<String, Type> types)
            implements Shape {
        static BuilderShape of(Method factory) throws NoSuchMethodException {
            Class<?> builder = factory.getReturnType();
            Map<String, Method> setters = new HashMap<>();
            Map<String, Type> types = new HashMap<>();
            for (Method m : builder.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 1
                        && m.getReturnType() == builder) {
                    if (setters.put(m.getName(), m) != null) {
                        throw new IllegalStateException(builder.getName() + " has two methods " + m.getName());
                    }
                    types.put(m.getName(), m.getGenericParameterTypes()[0]);
                }
            }
            return new BuilderShape(factory, setters, builder.getMethod("build"), types);
        }

        @Override
        public Object build(Map<String, Object> values) throws ReflectiveOperationException {
            Object builder = factory.invoke(null);
            for (Map.Entry<String, Object> e : values.entrySet()) {
                setters.get(e.getKey()).invoke(builder, e.getValue());
            }
            return build.invoke(builder);
        }
    }
}
