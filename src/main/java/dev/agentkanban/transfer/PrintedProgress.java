package dev.agentkanban.transfer;

import dev.agentkanban.transfer.ImportProgress.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of a command's import, printed as lines on stderr (stdout carries the report): one
 * each time another {@link #EVERY} items are through ({@code import-trello: 500 of 5,000 cards}), and
 * one at the end ({@link #finished}). A retried transaction starts again from 0, and so do the lines.
 */
final class PrintedProgress implements Progress {

    static final int EVERY = 500;

    private final PrintStream err;
    private final String command;
    private final String unit;
    private int total = -1;
    private int done;
    private int printed;

    PrintedProgress(PrintStream err, String command, String unit) {
        this.err = err;
        this.command = command;
        this.unit = unit;
    }

    @Override
    public void total(int items) {
        total = items;
    }

    @Override
    public void done(int items) {
        if (items < done) {
            printed = 0;
        }
        done = items;
        if (items / EVERY > printed / EVERY) {
            print(items, "");
            printed = items;
        }
    }

    /** The closing line, with how many items the import went through. */
    void finished() {
        print(done, ", done");
    }

    private void print(int items, String suffix) {
        err.println(String.format(
                Locale.ROOT,
                "%s: %,d%s %s%s",
                command,
                items,
                total >= 0 ? String.format(Locale.ROOT, " of %,d", total) : "",
                unit,
                suffix));
        err.flush();
    }
}
