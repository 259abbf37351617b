package dev.agentkanban.rule;

import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Versions;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** A board's automation rules and their run logs (docs/rules.md). */
@RestController
@RequestMapping("/api/v1/boards/{id}/rules")
class RuleController {

    private final Rules rules;

    RuleController(Rules rules) {
        this.rules = rules;
    }

    record RuleList(java.util.List<Rule> items) {}

    @GetMapping
    RuleList list(@PathVariable long id) {
        return new RuleList(rules.list(id));
    }

    @PostMapping
    ResponseEntity<Rule> create(@PathVariable long id, @RequestBody JsonNode body) {
        Rule rule = rules.create(id, body);
        return ResponseEntity.created(URI.create("/api/v1/boards/" + id + "/rules/" + rule.id()))
                .eTag("\"" + rule.version() + "\"")
                .body(rule);
    }

    @GetMapping("/{ruleId}")
    ResponseEntity<Rule> get(@PathVariable long id, @PathVariable long ruleId) {
        Rule rule = rules.get(id, ruleId);
        return ResponseEntity.ok().eTag("\"" + rule.version() + "\"").body(rule);
    }

    @PatchMapping("/{ruleId}")
    ResponseEntity<Rule> update(
            @PathVariable long id,
            @PathVariable long ruleId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody JsonNode body) {
        Rule rule = rules.update(id, ruleId, Versions.expected(ifMatch), body);
        return ResponseEntity.ok().eTag("\"" + rule.version() + "\"").body(rule);
    }

    @DeleteMapping("/{ruleId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(
            @PathVariable long id,
            @PathVariable long ruleId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        rules.delete(id, ruleId, Versions.expected(ifMatch));
    }

    @GetMapping("/{ruleId}/runs")
    Page<RuleRun> runs(
            @PathVariable long id,
            @PathVariable long ruleId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return rules.runs(id, ruleId, PageRequest.of(limit, offset));
    }
}
