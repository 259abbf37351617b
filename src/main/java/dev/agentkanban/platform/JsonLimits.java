package dev.agentkanban.platform;

import java.time.Instant;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.module.blackbird.BlackbirdModule;

/**
 * What the application's JSON reader accepts, for every request body, import and tool call read with
 * the Spring {@code JsonMapper}: nesting at most {@value #MAX_DEPTH} levels deep (a deeper document is
 * refused with 400 as the parser reaches that depth, before any of it is bound), integers only
 * where an integer is expected ({@code "board_id": 1.5} is a 422, not silently 1), strings only where a
 * string is expected ({@code "title": 5} is a 422, not "5"), strings that can be stored, and numbers
 * without a declared type read exactly.
 */
@Configuration(proxyBeanMethods = false)
public class JsonLimits {

    /** Deepest nesting of objects and arrays in any JSON the application reads; task metadata stays far below. */
    public static final int MAX_DEPTH = 200;

    @Bean
    JsonFactoryBuilderCustomizer jsonReadLimits() {
        return factory -> factory.streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    /** Property access through generated lambdas rather than reflection: the same JSON, written faster. */
    @Bean
    JsonMapperBuilderCustomizer blackbird() {
        return mapper -> mapper.addModule(new BlackbirdModule());
    }

    @Bean
    JsonMapperBuilderCustomizer noFractionalIntegers() {
        return mapper -> mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /**
     * A string field takes a JSON string only: {@code "title": 5}, {@code true} or {@code 1.5} is a 422
     * naming the field ("must be a string"), not the text "5". Strings still turn into numbers where a
     * number is asked ({@code "board_id": "5"}), and query parameters are not read here at all.
     */
    @Bean
    JsonMapperBuilderCustomizer noScalarsAsStrings() {
        return mapper -> mapper.withCoercionConfig(
                LogicalType.Textual,
                text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * Every string bound from JSON can be stored as sent ({@link StoredJson#refusal}): a NUL character or
     * a lone UTF-16 surrogate is a 422 naming the field, where the database refused the one without
     * saying which field (or {@code trim()} silently dropped it) and the driver wrote the other as "?".
     */
    @Bean
    JsonMapperBuilderCustomizer storableStrings() {
        return mapper -> mapper.addModule(new SimpleModule("storable-strings")
                .addDeserializer(String.class, new StdScalarDeserializer<String>(String.class) {
                    @Override
                    public String deserialize(JsonParser p, DeserializationContext ctxt) {
                        String read = StringDeserializer.instance.deserialize(p, ctxt);
                        String refusal = read == null ? null : StoredJson.refusal(read);
                        if (refusal != null) {
                            throw new IllegalArgumentException(refusal);
                        }
                        return read;
                    }
                }));
    }

    /**
     * A number without a type to bind to (task metadata, custom field values) is read exactly, as
     * BigDecimal: {@code 1e999999} as a double was infinite and written back as the string "Infinity".
     * {@link StoredJson#check} refuses the ones too long to store and read back.
     */
    @Bean
    JsonMapperBuilderCustomizer exactNumbers() {
        return mapper -> mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** An enum by name only: {@code "status": 2} is a 422, not the third status. */
    @Bean
    JsonMapperBuilderCustomizer noEnumsByNumber() {
        return mapper -> mapper.enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }

    /**
     * A time read from JSON lies in the years 1 to 9999 ({@link #sane(Instant)}): a date beyond them is
     * a 422 naming the field, where PostgreSQL would refuse it (or the driver overflow) after the read.
     */
    @Bean
    JsonMapperBuilderCustomizer instantsInRange() {
        return mapper -> mapper.addModule(new SimpleModule("instants-in-range")
                .addDeserializer(Instant.class, new StdDeserializer<Instant>(Instant.class) {
                    @Override
                    public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
                        Instant read =
                                p.currentToken() == tools.jackson.core.JsonToken.VALUE_STRING && isDate(p.getString())
                                        ? dateAsInstant(p.getString())
                                        : InstantDeserializer.INSTANT.deserialize(p, ctxt);
                        if (read != null && !sane(read)) {
                            throw new IllegalArgumentException(OUT_OF_RANGE);
                        }
                        return read;
                    }
                }));
    }

    /** A date without a time ({@code 2026-12-31}), as people write a due date: its first instant, UTC. */
    static boolean isDate(String text) {
        String t = text.trim();
        if (t.length() != 10 || t.charAt(4) != '-' || t.charAt(7) != '-') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9}) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static Instant dateAsInstant(String text) {
        try {
            return startOfDate(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("is not a valid date (YYYY-MM-DD or an ISO-8601 timestamp)");
        }
    }

    /** What a plain date ({@code 2030-01-31}) means wherever a time is asked for: its first instant in UTC. */
    public static Instant startOfDate(String date) {
        return java.time.LocalDate.parse(date)
                .atStartOfDay(java.time.ZoneOffset.UTC)
                .toInstant();
    }

    /**
     * A time sent as text outside a JSON body (a query parameter, a form field), read as a JSON body's
     * is: an ISO-8601 date (its first instant, UTC) or timestamp with an offset, in the years 1 to 9999;
     * null when blank, a 422 naming the field otherwise.
     */
    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        Instant read;
        try {
            read = isDate(v)
                    ? startOfDate(v)
                    : java.time.OffsetDateTime.parse(v).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid(
                    field, "must be an ISO-8601 date-time with offset (e.g. 2025-01-31T12:00:00Z) or a date");
        }
        if (!sane(read)) {
            throw ApiException.invalid(field, OUT_OF_RANGE);
        }
        return read;
    }

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** The message for a time outside {@link #sane(Instant)}'s years. */
    public static final String OUT_OF_RANGE = "must lie between the years 1 and 9999";

    /** Whether a time lies in the years 1 to 9999, which every part of the service can store and show. */
    public static boolean sane(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }

    /** The parser limit a failure ran into, when it is one: found anywhere along the cause chain. */
    public static StreamConstraintsException limitIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamConstraintsException limit) {
                return limit;
            }
        }
        return null;
    }

    /** The 400 for JSON over a parser limit; says which limit without naming the parser's internals. */
    public static ApiException refused(JacksonException limit) {
        String message = limit.getOriginalMessage() == null ? "" : limit.getOriginalMessage();
        String which = message.contains("nesting depth")
                ? "is nested deeper than " + MAX_DEPTH + " levels"
                : message.contains("String value length")
                        ? "holds a string longer than the parser allows"
                        : message.contains("Number value length")
                                ? "holds a number longer than the parser allows"
                                : message.contains("Name length")
                                        ? "holds a property name longer than the parser allows"
                                        : "exceeds a limit of the JSON parser";
        return ApiException.badRequest("the JSON " + which);
    }
}
