package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the browser's markdown renderer ({@code static/js/markdown.js}) makes of a description, in Node
 * under the minimal DOM of {@code markdown-hostile.mjs}: images are links named by their alt text (no
 * stray "!"), links keep to http, https and mailto.
 */
class MarkdownRenderTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void copyTheRenderer() throws Exception {
        MarkdownHostileInputTest.copyRendererTo(dir);
    }

    static String render(String markdown) throws Exception {
        Path out = dir.resolve("render.txt");
        Process node = new ProcessBuilder("node", "markdown-hostile.mjs", "render", markdown)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out, StandardCharsets.UTF_8).strip();
        assertThat(node.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void anImageIsALinkNamedByItsAltTextWithoutTheExclamationMark() throws Exception {
        assertThat(render("See ![the diagram](https://example.com/d.png) here"))
                .isEqualTo("<p>See <a href=\"https://example.com/d.png\" rel=\"noopener noreferrer nofollow\""
                        + " target=\"_blank\" className=\"md-image\" title=\"https://example.com/d.png\">the diagram</a>"
                        + " here</p>");
    }

    @Test
    void anImageWithoutAltTextIsNamedByItsFile() throws Exception {
        assertThat(render("![](https://example.com/shots/board.png)"))
                .contains(">board.png</a>")
                .doesNotContain("!");
    }

    @Test
    void linksStayLinksAndOtherSchemesStayText() throws Exception {
        assertThat(render("[docs](https://example.com/a) ![x](javascript:alert(1)) [](https://example.com)"))
                .isEqualTo("<p><a href=\"https://example.com/a\" rel=\"noopener noreferrer nofollow\""
                        + " target=\"_blank\">docs</a> ![x](javascript:alert(1)) [](https://example.com)</p>");
    }
}
