package io.bluegreen.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.it.Stack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a newcomer reads agrees with what ships: docs/cli.md's table names every option of every command and no option
 * a command lacks; `--help` lists every command with a whole sentence; and every measured figure lives in the README,
 * in a section that names the bench command and the date it comes from, the other docs linking there.
 */
public class DocsTruthTest {
    private static final Path CLI_MD = Stack.ROOT.resolve("docs/cli.md");
    /** An option as the docs write it: `--trend-ratio`, `-s`. */
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*[a-z]|-[a-zA-Z])(?![\\w-])");
    /** A table row of docs/cli.md: its synopsis (the first cell) and all of it. */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z][a-z-]*(?: [a-z][a-z-]*)?)((?: [^`]*)?)` \\|.*$",
            Pattern.MULTILINE);

    private static CommandLine commandLine() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        return new CommandLine(new BlueGreenCli(Map.of(), sink, sink));
    }

    /** Every runnable command by its full name ("deploy", "state trust"); a command with subcommands only is left out. */
    private static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> all = new LinkedHashMap<>();
        commandLine().getSubcommands().forEach((name, c) -> {
            if (c.getSubcommands().isEmpty()) {
                all.put(name, c.getCommandSpec());
            }
            c.getSubcommands().forEach((sub, s) -> all.put(name + " " + sub, s.getCommandSpec()));
        });
        return all;
    }

    private static Set<String> flags(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = FLAG.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** A paragraph of docs/cli.md that starts with {@code start}, up to the next blank line. */
    private static String paragraph(String doc, String start) {
        int from = doc.indexOf("\n" + start);
        assertTrue("docs/cli.md has no paragraph starting with " + start, from >= 0);
        int to = doc.indexOf("\n\n", from + 1);
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    @Test
    public void theCliTableNamesEveryOptionOfEveryCommandAndNoOtherInItsSynopsis() throws IOException {
        String doc = Files.readString(CLI_MD);
        Map<String, String> synopsis = new LinkedHashMap<>();
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(doc);
        while (row.find()) {
            synopsis.put(row.group(1), row.group(2));
            documented.put(row.group(1), row.group());
        }
        String healFlags = paragraph(doc, "HEAL FLAGS") + paragraph(doc, "Heal secret");
        documented.computeIfPresent("heal", (k, v) -> v + healFlags);
        documented.computeIfPresent("heal-server", (k, v) -> v + healFlags);
        documented.computeIfPresent("watch-config", (k, v) -> v + healFlags);
        List<String> problems = new ArrayList<>();
        commands().forEach((name, spec) -> {
            if (!documented.containsKey(name)) {
                problems.add(name + ": no row in docs/cli.md's table");
                return;
            }
            Set<String> inDoc = flags(documented.get(name));
            Set<String> real = new LinkedHashSet<>();
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                real.addAll(List.of(o.names()));
                if (Stream.of(o.names()).noneMatch(inDoc::contains)) {
                    problems.add(name + ": option " + o.longestName() + " is not in its row of docs/cli.md");
                }
            }
            flags(synopsis.get(name)).stream().filter(f -> !real.contains(f))
                    .forEach(f -> problems.add(name + ": docs/cli.md shows " + f + ", which the command does not take"));
        });
        documented.keySet().stream().filter(n -> !n.equals("demo") && !commands().containsKey(n))
                .forEach(n -> problems.add(n + ": a row in docs/cli.md for a command that does not exist"));
        assertEquals(String.join("\n", problems), List.of(), problems);
    }

    @Test
    public void helpListsEveryCommandWithAWholeSentenceAndTheExitCodesAsDocumented() {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        assertEquals(0, new BlueGreenCli(Map.of(), w, w).run("--help"));
        String help = out.toString();
        String list = help.substring(help.indexOf("Commands:"), help.indexOf("Through bin/bluegreen only:"));
        // A summary may wrap: a line that starts with two spaces then a name begins one, deeper lines continue it.
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        for (String line : list.lines().skip(1).toList()) {
            Matcher m = Pattern.compile("^  ([a-z][a-z-]*)\\s+(.*)$").matcher(line);
            if (m.matches()) {
                current = m.group(1);
                summaries.put(current, m.group(2).strip());
            } else if (current != null && !line.isBlank()) {
                summaries.merge(current, " " + line.strip(), String::concat);
            }
        }
        assertEquals(commandLine().getSubcommands().keySet(), summaries.keySet());
        summaries.forEach((name, text) -> assertTrue(name + "'s summary is not a whole sentence: " + text, text.endsWith(".")));
        assertTrue(help, help.contains("  demo [--cluster] [--down]"));
        assertTrue("a footer line wider than the terminal wraps mid-sentence: " + help,
                help.lines().allMatch(l -> l.length() <= 80));
        assertTrue(help, help.contains("1 failed and rolled back (traffic unchanged), or refused;"));
        // The same words as docs/cli.md's exit codes.
        assertTrue(help, help.replaceAll("\\s+", " ").contains("3 a required system unreachable"));
    }

    @Test
    public void aFlagACommandDoesNotHonourIsRefused() {
        for (String[] args : List.of(new String[] {"registrator", "--once", "--json"},
                new String[] {"watch-config", "-s", "vote", "--script", "--json"},
                new String[] {"state", "trust", "-s", "vote", "--json"})) {
            StringWriter err = new StringWriter();
            int exit = new BlueGreenCli(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err)).run(args);
            assertEquals(String.join(" ", args) + ": " + err, BlueGreenCli.INVALID, exit);
            assertTrue(err.toString(), err.toString().contains("Unknown option: '--json'"));
        }
    }

    // --- figures ---

    /** A statistic followed closely by a number with its unit: "p50 166", "median of 7.3 s", "measured ... 2.1 s". */
    private static final Pattern FIGURE = Pattern.compile(
            "\\b(?:p50|p90|p99|median|measured)\\b[^|.;]{0,25}?\\d[\\d,.]*\\s?(?:ms|s|µs|us|min|%|MB|MiB)\\b", Pattern.CASE_INSENSITIVE);
    /** A table row of figures, a cell holding only one (or "p50 / p99"): "| deploy, 3 replicas | 8.01 s | 8.53 s |". */
    private static final Pattern TABLE_FIGURE = Pattern.compile(
            "^\\|.*\\| *\\**[\\d,.]+(?: / [\\d,.]+)? ?(?:ms|s|µs|min)\\** *[|/]");
    private static final Pattern BENCH = Pattern.compile("bench/[\\w.-]+\\.sh");
    private static final Pattern DATE = Pattern.compile("20\\d\\d-\\d\\d-\\d\\d");

    /** Each line outside code blocks, with the section (heading to heading) it sits in. */
    private record Line(int number, String text, String section) {
    }

    private static List<Line> prose(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Line> out = new ArrayList<>();
        List<Integer> headings = new ArrayList<>();
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("```")) {
                code = !code;
            } else if (!code && lines.get(i).startsWith("#")) {
                headings.add(i);
            }
        }
        headings.add(lines.size());
        code = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                code = !code;
                continue;
            }
            if (code || l.startsWith("#")) {
                continue;
            }
            int line = i;
            int from = headings.stream().filter(h -> h <= line).reduce((a, b) -> b).orElse(0);
            int to = headings.stream().filter(h -> h > line).findFirst().orElse(lines.size());
            out.add(new Line(i + 1, l, String.join("\n", lines.subList(from, to))));
        }
        return out;
    }

    @Test
    public void everyFigureIsInTheReadmeWithItsBenchCommandAndDate() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Line l : prose(Stack.ROOT.resolve("README.md"))) {
            if (figure(l.text()) && !(BENCH.matcher(l.section()).find() && DATE.matcher(l.section()).find())) {
                problems.add("README.md:" + l.number() + ": a figure in a section that names no bench/ command or no date: "
                        + l.text().strip());
            }
        }
        try (Stream<Path> docs = Files.list(Stack.ROOT.resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (Line l : prose(doc)) {
                    if (figure(l.text())) {
                        problems.add("docs/" + doc.getFileName() + ":" + l.number() + ": a figure outside the README (link to"
                                + " it there instead): " + l.text().strip());
                    }
                }
            }
        }
        assertEquals(String.join("\n", problems), List.of(), problems);
    }

    private static boolean figure(String line) {
        return FIGURE.matcher(line).find() || TABLE_FIGURE.matcher(line).find();
    }

    @Test
    public void theFigureRuleSeesFiguresAndNotSettings() {
        assertTrue(figure("alternating with the CLI) measured a median of 7.3 s from the trigger"));
        assertTrue(figure("| every active replica killed | heal-server | 1.1 s | 1.7 s | p50 166, max 241 |"));
        assertTrue(figure("  on the host, p99 983 ms, 1 timeout"));
        assertTrue(!figure("a probe requests the proxy every 5 ms during the flip"));
        assertTrue(figure("| rollback through a running heal server | 56 / 213 ms | **188 / 432 ms** |"));
        assertTrue(!figure("| `health.timeout` | `1s` | 100ms..5m |"));
        assertTrue(!figure("| `analysis.interval` | `5s` | 1s..10m between two evaluations |"));
    }
}
