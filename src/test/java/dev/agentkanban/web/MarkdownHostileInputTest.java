package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The browser's markdown renderer ({@code static/js/markdown.js}, which shows every task description)
 * fed 1 MB descriptions shaped to make its patterns backtrack or its quotes recurse, in Node under a
 * minimal DOM (issue 12). Each render must end, well within the hang guard, with a result: before the
 * fix a line of '[' never finished and 1 MB of '>' overflowed the stack.
 */
class MarkdownHostileInputTest {

    static final long GUARD_SECONDS = 20;

    @TempDir
    static Path dir;

    @BeforeAll
    static void copyTheRenderer() throws Exception {
        copyRendererTo(dir);
    }

    /** Copies the renderer, its DOM helper and the Node script that runs them into {@code dir}. */
    static void copyRendererTo(Path dir) throws Exception {
        for (String js : new String[] {"static/js/markdown.js", "static/js/dom.js", "js/markdown-hostile.mjs"}) {
            try (InputStream in =
                    MarkdownHostileInputTest.class.getClassLoader().getResourceAsStream(js)) {
                Files.copy(in, dir.resolve(Path.of(js).getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(dir.resolve("package.json"), "{\"type\": \"module\"}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "brackets",
                "link targets without end",
                "link text then brackets",
                "image marks",
                "backticks unclosed",
                "stars",
                "double stars",
                "underscores",
                "heading then spaces then a separator",
                "task then spaces then a separator",
                "list markers",
                "nested quotes",
                "quote lines",
                "many short spans",
                "blank lines"
            })
    void rendersHostileDescriptionsAndEnds(String shape) throws Exception {
        File out = dir.resolve("out.txt").toFile();
        File err = dir.resolve("err.txt").toFile();
        Process node = new ProcessBuilder("node", "markdown-hostile.mjs", shape)
                .directory(dir.toFile())
                .redirectOutput(out)
                .redirectError(err)
                .start();
        boolean ended = node.waitFor(GUARD_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            node.destroyForcibly();
        }
        assertThat(ended)
                .as("rendering '%s' did not end within %d s", shape, GUARD_SECONDS)
                .isTrue();
        String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as(Files.readString(err.toPath())).isZero();
        assertThat(stdout).contains("\"shape\":\"" + shape + "\"").contains("\"nodes\":");
    }
}
