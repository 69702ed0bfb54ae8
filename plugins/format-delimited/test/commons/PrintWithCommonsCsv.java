import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * Prints test rows with Apache Commons CSV, so the formatter's output can be compared with the
 * reference byte for byte. Many sections are read in one run (one JVM start for the whole test).
 *
 * Input, one command per line, fields separated by one space; every text is base64 of UTF-8,
 * and "-" stands for an absent value:
 *   FORMAT delimiter quoteMode escape nullString recordSeparator   (quoteMode as the enum name)
 *   HEADER name...      optional: the header record CSVPrinter prints first
 *   ROW cell...         cell: "-" null, "s<text>" a String, "n<text>" a Number with that text,
 *                       "q<text>" a String quoted as QuoteMode.ALL_NON_NULL would quote it
 *   END                 prints the section
 * Output, one line per section: "OK <base64 of the UTF-8 bytes>" or "REFUSED <base64 message>"
 * when CSVFormat refuses the settings.
 */
public final class PrintWithCommonsCsv {

    /** A Number with exactly the given text, so QuoteMode.NON_NUMERIC sees a number. */
    private static final class NumberText extends Number {
        private final String text;

        NumberText(final String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public int intValue() {
            return (int) doubleValue();
        }

        @Override
        public long longValue() {
            return (long) doubleValue();
        }

        @Override
        public float floatValue() {
            return (float) doubleValue();
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }
    }

    /** A cell of a ROW: its value, and whether it is to be quoted as ALL_NON_NULL would. */
    private static final class Cell {
        final Object value;
        final boolean quoted;

        Cell(final Object value, final boolean quoted) {
            this.value = value;
            this.quoted = quoted;
        }
    }

    private static String text(final String field) {
        return field.equals("-") ? null : new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }

    private static String base64(final String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] fields(final String line) {
        final String[] parts = line.split(" ", -1);
        final String[] rest = new String[parts.length - 1];
        System.arraycopy(parts, 1, rest, 0, rest.length);
        return rest;
    }

    private static Cell cell(final String field) {
        if (field.equals("-")) {
            return new Cell(null, false);
        }
        final String value = text(field.substring(1));
        switch (field.charAt(0)) {
        case 's':
            return new Cell(value, false);
        case 'n':
            return new Cell(new NumberText(value), false);
        case 'q':
            return new Cell(value, true);
        default:
            throw new IllegalStateException("unknown cell kind: " + field);
        }
    }

    private static String print(final String[] format, final String[] header, final List<Cell[]> rows) throws Exception {
        final String escape = text(format[2]);
        final CSVFormat.Builder builder = CSVFormat.DEFAULT.builder()
                .setDelimiter(text(format[0]))
                .setQuoteMode(QuoteMode.valueOf(format[1]))
                .setEscape(escape == null ? null : escape.charAt(0))
                .setNullString(text(format[3]))
                .setRecordSeparator(text(format[4]));
        if (header != null) {
            builder.setHeader(header);
        }
        final CSVFormat csvFormat = builder.build();
        final CSVFormat quotedFormat = csvFormat.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).build();
        final StringBuilder out = new StringBuilder();
        // The printer writes straight to `out`, and is always between records when a row with
        // quoted cells is written beside it, cell by cell, as CSVPrinter itself would.
        try (CSVPrinter printer = new CSVPrinter(out, csvFormat)) {
            for (final Cell[] row : rows) {
                boolean anyQuoted = false;
                for (final Cell c : row) {
                    anyQuoted |= c.quoted;
                }
                if (!anyQuoted) {
                    final Object[] values = new Object[row.length];
                    for (int i = 0; i < row.length; i++) {
                        values[i] = row[i].value;
                    }
                    printer.printRecord(values);
                    continue;
                }
                for (int i = 0; i < row.length; i++) {
                    (row[i].quoted ? quotedFormat : csvFormat).print(row[i].value, out, i == 0);
                }
                csvFormat.println(out);
            }
        }
        return out.toString();
    }

    public static void main(final String[] args) throws Exception {
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final PrintStream stdout = new PrintStream(System.out, false, "US-ASCII");
        String[] format = null;
        String[] header = null;
        List<Cell[]> rows = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            final String command = line.split(" ", 2)[0];
            if (command.equals("FORMAT")) {
                format = fields(line);
            } else if (command.equals("HEADER")) {
                final String[] names = fields(line);
                header = new String[names.length];
                for (int i = 0; i < names.length; i++) {
                    header[i] = text(names[i]);
                }
            } else if (command.equals("ROW")) {
                final String[] cells = fields(line);
                final Cell[] row = new Cell[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = cell(cells[i]);
                }
                rows.add(row);
            } else if (command.equals("END")) {
                try {
                    stdout.println("OK " + base64(print(format, header, rows)));
                } catch (final IllegalArgumentException refused) {
                    stdout.println("REFUSED " + base64(String.valueOf(refused.getMessage())));
                }
                format = null;
                header = null;
                rows = new ArrayList<>();
            } else {
                throw new IllegalStateException("unknown command: " + command);
            }
        }
        stdout.flush();
    }
}
