package io.bluegreen.core.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Jenkins' flat step parameters mapped onto the spec's tree: {@code healthPath} is {@code health.path},
 * {@code nginxUpstreamFile} is {@code router.nginx.upstreamFile}, {@code env} and {@code buildArgs} are lists of
 * {@code NAME=VALUE} (as in {@code withEnv}); {@code promotion: 'manual'} is short for {@code promotion.mode}. Parameters override the spec file field by field, nested sections
 * included; the merged tree is validated by {@link SpecReader}, so every message names the spec's field.
 */
public final class StepParameters {
    private static final Set<String> SECTIONS = Set.of("build", "health", "verify", "standby", "router", "lock", "promotion",
            "preview", "stop");
    private static final Set<String> ROUTERS = Set.of("nginx", "haproxy");
    private static final Set<String> PAIR_LISTS = Set.of("env", "buildArgs");

    private StepParameters() {
    }

    /**
     * The validated spec: {@code defaults} (flat parameters too, such as a configured default router), then
     * {@code specFile} (null: none), then {@code parameters} (null values are left out), each overriding the one
     * before. Relative paths resolve against the spec file's folder, or {@code workspace} without one.
     */
    public static DeploymentSpec toSpec(Map<String, Object> defaults, Path specFile, Map<String, Object> parameters,
                                        Path workspace) {
        Map<String, Object> tree = specFile == null ? new LinkedHashMap<>() : SpecReader.readTree(specFile);
        Path base = specFile == null ? workspace : specFile.toAbsolutePath().getParent();
        return SpecReader.fromTree(merge(merge(toTree(defaults), tree), toTree(parameters)), base, Map.of());
    }

    /**
     * The problems core finds in one parameter's value alone, for a form's field check: the value is validated in a
     * minimal spec and only the problems naming its field are kept. Fields naming files are checked at run time,
     * on the agent that holds them.
     */
    public static List<String> problems(String name, Object value) {
        Map<String, Object> minimal = new LinkedHashMap<>(Map.of("service", "x", "image", "x", "tag", "x", "containerPort", 1));
        Map<String, Object> parameter = new LinkedHashMap<>();
        parameter.put(name, value);
        String field = String.join(".", path(name));
        try {
            SpecReader.fromTree(merge(minimal, toTree(parameter)), Path.of("/"), Map.of());
            return List.of();
        } catch (InvalidSpecException e) {
            return e.problems().stream().filter(p -> p.startsWith(field + ":") || p.startsWith(field + ".")).toList();
        }
    }

    /** The nested tree for the flat parameters; {@code NAME=VALUE} lists become maps. */
    static Map<String, Object> toTree(Map<String, Object> parameters) {
        Map<String, Object> tree = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        parameters.forEach((name, value) -> {
            if (value == null) {
                return;
            }
            // promotion: 'manual' is short for promotion.mode, beside promotionTimeout and the others whatever their order
            List<String> keys = name.equals("promotion") && value instanceof String ? List.of("promotion", "mode") : path(name);
            Object v = PAIR_LISTS.contains(name) ? pairs(String.join(".", keys), value, problems) : value;
            Map<String, Object> at = tree;
            for (String key : keys.subList(0, keys.size() - 1)) {
                at = child(at, key);
            }
            at.put(keys.get(keys.size() - 1), v);
        });
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        return tree;
    }

    /** The spec field a flat parameter sets, dotted: {@code promotion} is promotion.mode (the plugin's tests compare). */
    public static String field(String parameter) {
        return parameter.equals("promotion") ? "promotion.mode" : String.join(".", path(parameter));
    }

    /** {@code healthPath} → health.path, {@code nginxConfigFile} → router.nginx.configFile, {@code tag} → tag. */
    static List<String> path(String name) {
        int cut = 0;
        while (cut < name.length() && !Character.isUpperCase(name.charAt(cut))) {
            cut++;
        }
        if (cut == name.length()) {
            return List.of(name);
        }
        String head = name.substring(0, cut);
        String rest = name.substring(cut, cut + 1).toLowerCase(Locale.ROOT) + name.substring(cut + 1);
        if (SECTIONS.contains(head)) {
            return List.of(head, rest);
        }
        return ROUTERS.contains(head) ? List.of("router", head, rest) : List.of(name);
    }

    private static Map<String, Object> pairs(String field, Object value, List<String> problems) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!(value instanceof List<?> list)) {
            problems.add(field + ": expected a list of NAME=VALUE");
            return out;
        }
        for (Object o : list) {
            String s = String.valueOf(o);
            int eq = s.indexOf('=');
            if (eq <= 0) {
                problems.add(field + ": '" + s.replaceAll("=.*", "=...") + "' is not NAME=VALUE");
            } else {
                out.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> at, String key) {
        return (Map<String, Object>) at.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
    }

    /** {@code over} on top of {@code base}, section by section; a non-map value replaces whatever was there. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> out.put(k, out.get(k) instanceof Map<?, ?> b && v instanceof Map<?, ?> o
                ? merge((Map<String, Object>) b, (Map<String, Object>) o) : v));
        return out;
    }
}
