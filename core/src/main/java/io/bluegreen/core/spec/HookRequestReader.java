package io.bluegreen.core.spec;

import io.bluegreen.core.spec.Placeholders.Placeholder;
import io.bluegreen.core.spec.Placeholders.Source;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A hook's {@code http} URL and {@code headers}: where placeholders may stand, which values must be one (a token
 * written out would be saved in Consul's state, and from there seen by whoever reads the KV prefix), and a file's
 * relative path made the spec folder's.
 */
final class HookRequestReader {
    /** RFC 7230's token: what a header's name may be. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Framing and routing are the client's to set; the JDK's client also refuses Expect and Upgrade from a caller. */
    private static final Set<String> CLIENTS_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
            "expect", "upgrade");
    private static final Pattern SECRET_HEADER = Pattern.compile("authorization|proxy-authorization|cookie|.*(token|key|secret).*");
    private static final Pattern SECRET_PARAMETER = Pattern.compile("key|apikey|api[_-]key|sig|signature|auth|.*(token|secret|password).*");
    private static final int MAX_HEADERS = 20;
    private static final String HOW = "write it as {env:NAME} or {file:PATH}, resolved only when the hook runs";

    private HookRequestReader() {
    }

    /**
     * An http(s) URL with a host and no user:password, placeholders only in its path and query values; null when
     * refused. A token-looking query parameter must be a placeholder in a spec ({@code base} set); a state saved before
     * that rule keeps its URL (read back with no {@code base}), or its service could not be read at all.
     */
    static String url(SpecNode e, String key, Path base) {
        String template = e.string(key).map(s -> template(e, key, s.strip(), base)).orElse(null);
        if (template == null) {
            return null;
        }
        String mask = Placeholders.mask(template);
        int path = mask.contains("://") ? Placeholders.first(mask, "/?#", mask.indexOf("://") + 3) : 0;
        boolean misplaced = mask.substring(0, path).indexOf(Placeholders.MASK) >= 0;
        if (!misplaced && SpecNode.httpUrl(mask.replace(Placeholders.MASK, 'x')).isEmpty()) {
            // Not quoted: it may hold the very token this keeps out of logs.
            e.problem(key, "is not an http(s) URL with a host (and no user:password in it)");
            return null;
        }
        int fragment = Placeholders.first(mask, "#", 0);
        int query = Math.min(Placeholders.first(mask, "?", 0), fragment);
        misplaced |= mask.substring(fragment).indexOf(Placeholders.MASK) >= 0;
        List<String> secrets = new ArrayList<>();
        String params = query < fragment ? mask.substring(query + 1, fragment) : "";
        for (String param : params.isEmpty() ? new String[0] : params.split("&", -1)) {
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            misplaced |= name.indexOf(Placeholders.MASK) >= 0;
            if (base != null && !misplaced && credential(name) && !(!value.isEmpty()
                    && value.chars().allMatch(c -> c == Placeholders.MASK))) {
                secrets.add(name);
            }
        }
        if (misplaced) {
            e.problem(key, "a placeholder may stand in the URL's path or in a query parameter's value only");
        }
        secrets.forEach(name -> e.problem(key, "query parameter " + SpecNode.quote(name) + " holds a secret written out,"
                + " which would be saved in Consul's state: " + HOW + " (?" + name + "={env:HOOK_TOKEN}), or send it in a"
                + " header (headers: { Authorization: \"Bearer {env:HOOK_TOKEN}\" })"));
        return misplaced || !secrets.isEmpty() ? null : template;
    }

    /** A credential's query parameter, its name percent-decoded ({@code Access%5FToken} is one). */
    private static boolean credential(String name) {
        return SECRET_PARAMETER.matcher(URLDecoder.decode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Header names to values (placeholders anywhere in a value); a credential's header (Authorization, Cookie, or a
     * name with token, key or secret in it) must take its value from a placeholder.
     */
    static Map<String, String> headers(SpecNode e, String key, Path base) {
        Map<String, String> given = e.stringMap(key, HEADER_NAME, "is not a header name (RFC 7230: letters, digits and"
                + " !#$%&'*+-.^_`|~)");
        if (given.size() > MAX_HEADERS) {
            e.problem(key, "at most " + MAX_HEADERS + " headers, got " + given.size());
        }
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            String field = key + "." + name;
            String lower = name.toLowerCase(Locale.ROOT);
            String template = template(e, field, value, base);
            if (CLIENTS_HEADERS.contains(lower)) {
                e.problem(field, "is the HTTP client's to set");
            } else if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                e.problem(field, "must not hold a line break or another control character");
            } else if (template != null && SECRET_HEADER.matcher(lower).matches()
                    && Placeholders.mask(template).indexOf(Placeholders.MASK) < 0) {
                e.problem(field, "holds a secret written out, which would be saved in Consul's state: " + HOW
                        + " (\"Bearer {env:HOOK_TOKEN}\")");
            } else if (template != null) {
                out.put(name, template);
            }
        });
        return out;
    }

    /**
     * {@code text} with its placeholders checked and each file's relative path resolved against {@code base}, the
     * spec's folder, so it is recorded absolute; a saved state (no {@code base}) holds absolute ones only. Null when refused.
     */
    private static String template(SpecNode e, String key, String text, Path base) {
        String problem = Placeholders.problem(text);
        if (problem != null) {
            e.problem(key, problem);
            return null;
        }
        List<String> relative = new ArrayList<>();
        String out = Placeholders.fill(text, p -> {
            if (p.source() != Source.FILE || Path.of(p.name()).isAbsolute()) {
                return p.text();
            }
            if (base == null) {
                relative.add(p.text());
                return p.text();
            }
            return new Placeholder(Source.FILE, base.toAbsolutePath().resolve(p.name()).normalize().toString()).text();
        });
        relative.forEach(p -> e.problem(key, p + " is not an absolute path (a spec's relative one is recorded absolute)"));
        return relative.isEmpty() ? out : null;
    }
}
