package io.bluegreen.core.consul.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * What every saved record is wrapped in: {@code {"format":2,"written_by":...,"generation":N,"body":{...},"mac":...}}.
 * The body is kept as the exact text written, so the MAC covers exactly what a reader parses. {@code mac} is null
 * for an unsigned record.
 */
record Envelope(int format, String writtenBy, long generation, String body, String mac) {
    /** The format this version writes. */
    static final int FORMAT = 2;
    /** Records from before the envelope: the bare body, unsigned. */
    static final int LEGACY = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_WRITTEN_BY = 100;

    /** The text as stored, fields in a fixed order and the body verbatim. */
    String text() {
        return "{\"format\":" + format + ",\"written_by\":" + quoted(writtenBy) + ",\"generation\":" + generation
                + ",\"body\":" + body + (mac == null ? "" : ",\"mac\":" + quoted(mac)) + "}";
    }

    /**
     * What the MAC covers: every field but the MAC, and the key the record is stored under, so that a signed record
     * cannot be moved to another service's key or from history to state.
     */
    String signedText(String key) {
        return "bluegreen-kv\n" + key + "\n" + format + "\n" + writtenBy + "\n" + generation + "\n" + body;
    }

    /**
     * The envelope of {@code text}; a JSON object without {@code format} at its top is a record from before the
     * envelope, returned as format 1 with the whole text as its body.
     */
    static Envelope parse(String text) throws MalformedRecordException {
        Integer format = null;
        String writtenBy = null;
        Long generation = null;
        String body = null;
        String mac = null;
        Set<String> seen = new HashSet<>();
        boolean legacy = false;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (!seen.add(field)) {
                    throw new MalformedRecordException("names '" + field + "' twice");
                }
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                    case "written_by" -> writtenBy = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "generation" -> generation = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                    case "mac" -> mac = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "body" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new MalformedRecordException("has a body that is not a JSON object");
                        }
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        body = text.substring(start, (int) p.currentTokenLocation().getCharOffset() + 1);
                    }
                    default -> {
                        legacy = true;
                        p.skipChildren();
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedRecordException("has text after its JSON object");
            }
        } catch (IOException e) {
            throw new MalformedRecordException("is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!seen.contains("format")) {
            return new Envelope(LEGACY, null, 0, text, null);
        }
        if (format == null || format < 1) {
            throw new MalformedRecordException("has a format that is not a positive whole number");
        }
        if (format > FORMAT) {
            return new Envelope(format, writtenBy, generation == null ? 0 : generation, null, mac);
        }
        if (legacy || writtenBy == null || writtenBy.length() > MAX_WRITTEN_BY || generation == null || generation < 1
                || body == null || (seen.contains("mac") && mac == null)) {
            throw new MalformedRecordException("is not a format-" + format + " envelope {format, written_by, generation,"
                    + " body, mac}: " + (legacy ? "it has other fields" : body == null ? "no body"
                    : generation == null || generation < 1 ? "no generation" : "a field of the wrong type"));
        }
        return new Envelope(format, writtenBy, generation, body, mac);
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** The text is not a record of any format. */
    static final class MalformedRecordException extends Exception {
        MalformedRecordException(String message) {
            super(message);
        }
    }
}
