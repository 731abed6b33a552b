package io.dualmode.bench.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reduces the result files of several rounds to one table: each figure per round and its median. */
public final class ResultsTable {

    private ResultsTable() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ResultsTable round1.properties [round2.properties ...]");
            System.exit(2);
        }
        List<Map<String, Double>> rounds = new ArrayList<>();
        Map<String, Boolean> keys = new LinkedHashMap<>();
        for (String file : args) {
            Map<String, Double> round = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of(file))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    round.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
                    keys.put(line.substring(0, eq), true);
                }
            }
            rounds.add(round);
        }
        StringBuilder header = new StringBuilder("| figure |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int r = 1; r <= rounds.size(); r++) {
            header.append(" round ").append(r).append(" |");
            rule.append("---|");
        }
        System.out.println(header.append(" median |"));
        System.out.println(rule.append("---|"));
        for (String key : keys.keySet()) {
            StringBuilder row = new StringBuilder("| ").append(key).append(" |");
            List<Double> values = new ArrayList<>();
            for (Map<String, Double> round : rounds) {
                Double v = round.get(key);
                row.append(' ').append(v == null ? "—" : Results.format(v)).append(" |");
                if (v != null) {
                    values.add(v);
                }
            }
            System.out.println(
                    row.append(' ').append(Results.format(median(values))).append(" |"));
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
