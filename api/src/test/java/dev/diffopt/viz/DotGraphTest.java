package dev.diffopt.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DotGraph}: escaping, the builder's checks, and reading DOT back. */
class DotGraphTest {

  @Test
  void anyTextSurvivesAWriteAndARead() {
    List<String> texts = List.of("plain", "say \"hi\"", "back\\slash", "ends with \\",
        "\\\"", "two\nlines", "crlf\r\nline", "\\N is not a node name", "ünïcödé ∇θ", "",
        "node", "a -> b", "x=1; y=[2]", "/* not a comment */ // nor this");
    DotGraph.Builder b = DotGraph.builder("g \"quoted\"");
    for (int i = 0; i < texts.size(); i++) {
      b.node(texts.get(i), Map.of("label", texts.get(i), "a key \"too\"", texts.get(i)));
    }
    b.edge(texts.get(1), texts.get(2), Map.of("label", texts.get(3)));
    DotGraph written = b.build();
    String dot = written.toDot();
    assertTrue(dot.contains("label=\"say \\\"hi\\\"\""), dot);
    assertTrue(dot.contains("\"back\\\\slash\""), dot);
    assertTrue(dot.contains("\"two\\nlines\""), dot);
    assertTrue(dot.contains("\"node\" ["), "a keyword id is quoted\n" + dot);
    assertTrue(dot.contains("\"a key \\\"too\\\"\"="), "an odd attribute name is quoted\n" + dot);
    DotGraph read = DotGraph.parse(dot);
    assertEquals(List.of(), read.problems());
    assertEquals("g \"quoted\"", read.name());
    assertEquals(texts.size(), read.nodes().size());
    for (int i = 0; i < texts.size(); i++) {
      String expected = texts.get(i).replace("\r\n", "\n");
      assertEquals(expected, read.nodes().get(i).id());
      assertEquals(expected, read.nodes().get(i).label());
    }
    assertEquals(written.edges(), read.edges());
  }

  @Test
  void theBuilderRefusesDuplicateIdsAndUndeclaredEnds() {
    DotGraph.Builder b = DotGraph.builder("g").node("a", Map.of());
    assertThrows(IllegalArgumentException.class, () -> b.node("a", Map.of()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.edge("a", "b", Map.of()));
    assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.defaults("cluster", Map.of()));
    assertThrows(NullPointerException.class, () -> b.node(null, Map.of()));
  }

  @Test
  void readsHandWrittenDot() {
    DotGraph g = DotGraph.parse("""
        /* a comment */
        strict digraph G {
          rankdir = LR  // a graph attribute
          node [shape=box; color="red"] [fontsize=9]
          # a preprocessor-style line
          a [label="A"]; "b c"
          a -> "b c" -> d [label=x]
          -1.5
        }
        """);
    assertEquals("G", g.name());
    assertEquals(Map.of("rankdir", "LR"), g.defaults("graph"));
    assertEquals(Map.of("shape", "box", "color", "red", "fontsize", "9"), g.defaults("node"));
    assertEquals(List.of("a", "b c", "-1.5"), g.nodes().stream().map(DotGraph.Node::id).toList());
    assertEquals(2, g.edges().size());
    assertEquals(new DotGraph.Edge("b c", "d", Map.of("label", "x")), g.edges().get(1));
    assertEquals(List.of("edge b c -> d: node 'd' is not declared"), g.problems());
    assertEquals("A", g.node("a").orElseThrow().label());
  }

  @Test
  void reportsProblemsAndErrors() {
    assertEquals(List.of("node 'a' is declared more than once"),
        DotGraph.parse("digraph { a; a }").problems());
    for (String bad : List.of("graph { a -- b }", "digraph { a [label=\"x] }", "digraph { a ",
        "digraph { a } b", "digraph { a [label=] }", "digraph { /* open ")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DotGraph.parse(bad), bad);
      assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }
  }

  /**
   * Where Graphviz is installed, it reads the text without a warning and shows each label as
   * written: one backslash for {@code \\}, a quote for {@code \"} (skipped without {@code dot}).
   */
  @Test
  void graphvizShowsTheLabelsAsWritten(@TempDir Path dir) throws IOException, InterruptedException {
    Path dot = null;
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(folder, "dot");
      if (!folder.isEmpty() && Files.isExecutable(candidate)) {
        dot = candidate;
        break;
      }
    }
    assumeTrue(dot != null, "Graphviz dot is not on the PATH");
    String text = DotGraph.builder("g")
        .node("a", Map.of("label", "say \"hi\" to back\\slash"))
        .node("b", Map.of("label", "ends with \\"))
        .edge("a", "b", Map.of("label", "['k\"ey']"))
        .build().toDot();
    Path errors = dir.resolve("errors.txt");
    Process p = new ProcessBuilder(dot.toString(), "-Tsvg")
        .redirectError(errors.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String svg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), Files.readString(errors));
    assertEquals("", Files.readString(errors));
    assertTrue(svg.contains(">say &quot;hi&quot; to back\\slash<"), svg);
    assertTrue(svg.contains(">ends with \\<"), svg);
    assertTrue(svg.contains(">[&#39;k&quot;ey&#39;]<"), svg);
  }
}
