package io.jstm.examples.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A demo's command line: positional numbers, {@code --name=value} options and
 * {@code --flag}s. An option or flag not declared, or a positional argument too
 * many, fails with the usage line.
 *
 * <pre>{@code
 * Options o = Options.parse(args, "titles [articles] [threads] [--seed=N] [--trace]", 2, "seed=", "trace");
 * int threads = o.positional(1, 2);
 * long seed = o.longValue("seed", 42);
 * }</pre>
 */
public final class Options {
    private final String usage;
    private final List<String> positional;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Options(String usage, List<String> positional, Map<String, String> values, Set<String> flags) {
        this.usage = usage;
        this.positional = positional;
        this.values = values;
        this.flags = flags;
    }

    /**
     * @param usage         the usage line, shown with every error
     * @param maxPositional how many positional arguments the demo takes
     * @param declared      option names: {@code "seed="} takes a value, {@code "trace"} is a flag
     * @throws IllegalArgumentException on an unknown option, a missing value or a positional argument too many
     */
    public static Options parse(String[] args, String usage, int maxPositional, String... declared) {
        Set<String> takesValue = new HashSet<>();
        Set<String> isFlag = new HashSet<>();
        for (String d : declared) {
            (d.endsWith("=") ? takesValue : isFlag).add(d.endsWith("=") ? d.substring(0, d.length() - 1) : d);
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                if (positional.size() == maxPositional) {
                    throw new IllegalArgumentException("unexpected argument " + a + "; usage: " + usage);
                }
                positional.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.substring(2, eq < 0 ? a.length() : eq);
            if (eq >= 0 && takesValue.contains(name)) {
                values.put(name, a.substring(eq + 1));
            } else if (eq < 0 && isFlag.contains(name)) {
                flags.add(name);
            } else {
                throw new IllegalArgumentException((takesValue.contains(name) ? "option --" + name + " needs a value"
                        : "unknown option " + a) + "; usage: " + usage);
            }
        }
        return new Options(usage, positional, values, flags);
    }

    /** Positional argument {@code index} (0-based) as an int, or {@code otherwise} if absent. */
    public int positional(int index, int otherwise) {
        return index < positional.size() ? parseInt(positional.get(index), "argument " + (index + 1)) : otherwise;
    }

    /** {@code --name=N} as an int, or {@code otherwise}. */
    public int intValue(String name, int otherwise) {
        String v = values.get(name);
        return v == null ? otherwise : parseInt(v, "--" + name);
    }

    /** {@code --name=N} as a long, or {@code otherwise}. */
    public long longValue(String name, long otherwise) {
        String v = values.get(name);
        try {
            return v == null ? otherwise : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + v + "'; usage: " + usage);
        }
    }

    /** {@code --name=text}, or {@code otherwise}. */
    public String value(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    /** Whether {@code --name} was given. */
    public boolean flag(String name) {
        return flags.contains(name);
    }

    private int parseInt(String v, String what) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " takes a whole number, not '" + v + "'; usage: " + usage);
        }
    }
}
