package dev.agentkanban.template;

import dev.agentkanban.board.ColumnKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a template makes: the board's columns in order (kinds and WIP limits), the tags it uses, its
 * automation rules (in the rules feature's portable form: columns named by name, see
 * {@code Rules.portable}) and optional sample cards (in a column by name, with tags and a checklist).
 */
public record TemplateContent(
        @NotEmpty @Size(max = 50) List<@Valid Column> columns,
        @Size(max = 100) List<@Valid TagSpec> tags,
        @Size(max = 200) List<@Valid Card> cards,
        @Size(max = 200) List<JsonNode> rules) {

    public TemplateContent {
        tags = tags == null ? List.of() : List.copyOf(tags);
        cards = cards == null ? List.of() : List.copyOf(cards);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public record Column(
            @NotBlank @Size(max = 100) String name,
            ColumnKind kind,
            @Min(1) Integer wipLimit) {}

    public record TagSpec(@NotBlank @Size(max = 50) String name, String color) {}

    public record Card(
            @NotBlank @Size(max = 500) String title,
            @Size(max = 100000) String description,
            String priority,
            @Size(max = 100) String column,
            @Size(max = 50) List<String> tags,
            @Size(max = 100) List<@NotBlank @Size(max = 500) String> checklist) {

        public Card {
            tags = tags == null ? List.of() : List.copyOf(tags);
            checklist = checklist == null ? List.of() : List.copyOf(checklist);
        }
    }
}
