package dev.agentkanban.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.platform.ApiException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The rule of each field type for a sent value, without a database. */
class FieldValuesTest {

    private static final Function<String, Optional<String>> ONLY_ANNA =
            n -> n.equalsIgnoreCase("anna") ? Optional.of("anna") : Optional.empty();

    private static CustomField field(FieldType type, String... options) {
        return new CustomField(7, 1, "F", type, List.of(options), false, 0);
    }

    private static Object stored(CustomField f, Object sent) {
        return FieldValues.check(f, sent, ONLY_ANNA).orElse(null);
    }

    @Test
    void eachTypeStoresOneForm() {
        assertThat(stored(field(FieldType.NUMBER), "3.50")).isEqualTo(new BigDecimal("3.5"));
        assertThat(stored(field(FieldType.NUMBER), 1e3)).isEqualTo(new BigDecimal("1000"));
        assertThat(stored(field(FieldType.DATE), " 2026-02-28 ")).isEqualTo("2026-02-28");
        assertThat(stored(field(FieldType.SINGLE_SELECT, "Low", "High"), "high"))
                .isEqualTo("High");
        assertThat(stored(field(FieldType.MULTI_SELECT, "a", "b", "c"), "c, a")).isEqualTo(List.of("a", "c"));
        assertThat(stored(field(FieldType.CHECKBOX), "yes")).isEqualTo(true);
        assertThat(stored(field(FieldType.MEMBER), "ANNA")).isEqualTo("anna");
        assertThat(stored(field(FieldType.URL), "https://example.org/x?y=1")).isEqualTo("https://example.org/x?y=1");
        assertThat(stored(field(FieldType.TEXT), "  ")).as("blank clears").isNull();
        assertThat(stored(field(FieldType.NUMBER), null)).isNull();
    }

    @Test
    void aValueThatDoesNotFitNamesTheField() {
        List<Object[]> refused = List.of(
                new Object[] {field(FieldType.NUMBER), "1e400"},
                new Object[] {field(FieldType.NUMBER), Double.NaN},
                new Object[] {field(FieldType.NUMBER), true},
                new Object[] {field(FieldType.DATE), "2026-2-28"},
                new Object[] {field(FieldType.DATE), "2026-02-30"},
                new Object[] {field(FieldType.SINGLE_SELECT, "Low"), "Medium"},
                new Object[] {field(FieldType.MULTI_SELECT, "a"), List.of("a", 1)},
                new Object[] {field(FieldType.CHECKBOX), "maybe"},
                new Object[] {field(FieldType.MEMBER), "bob"},
                new Object[] {field(FieldType.URL), "ftp://example.org"},
                new Object[] {field(FieldType.URL), "https:///no-host"},
                new Object[] {field(FieldType.TEXT), "x".repeat(FieldValues.MAX_TEXT + 1)},
                new Object[] {field(FieldType.TEXT), List.of("a")});
        for (Object[] r : refused) {
            assertThatThrownBy(() -> FieldValues.check((CustomField) r[0], r[1], ONLY_ANNA))
                    .as("%s %s", ((CustomField) r[0]).type(), r[1])
                    .isInstanceOf(ApiException.class)
                    .hasMessageStartingWith("fields.F:");
        }
    }
}
