package io.jstm.examples.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OptionsTest {
    private static final String USAGE = "demo [n] [threads] [--seed=N] [--png=FILE] [--trace]";

    @Test
    void positionalArgumentsOptionsAndFlagsAreReadWithDefaults() {
        Options o = Options.parse(new String[] {"500", "--seed=7", "--trace", "--png=/tmp/x.png"}, USAGE, 2,
                "seed=", "png=", "trace");
        assertEquals(500, o.positional(0, 1));
        assertEquals(2, o.positional(1, 2));
        assertEquals(7, o.longValue("seed", 42));
        assertEquals(7, o.intValue("seed", 42));
        assertEquals("/tmp/x.png", o.value("png", null));
        assertTrue(o.flag("trace"));
        Options none = Options.parse(new String[0], USAGE, 2, "seed=", "png=", "trace");
        assertEquals(42, none.longValue("seed", 42));
        assertNull(none.value("png", null));
        assertFalse(none.flag("trace"));
    }

    @Test
    void aWrongArgumentFailsWithTheUsageLine() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--colour=red"}, USAGE, 2, "seed=", "trace"));
        assertTrue(unknown.getMessage().contains("unknown option --colour=red"), unknown.getMessage());
        assertTrue(unknown.getMessage().endsWith(USAGE), unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"1", "2", "3"}, USAGE, 2, "seed="));
        IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--seed"}, USAGE, 2, "seed="));
        assertTrue(noValue.getMessage().contains("--seed needs a value"), noValue.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--trace=yes"}, USAGE, 2, "trace"));
        Options bad = Options.parse(new String[] {"many", "--seed=x"}, USAGE, 2, "seed=");
        assertThrows(IllegalArgumentException.class, () -> bad.positional(0, 1));
        assertThrows(IllegalArgumentException.class, () -> bad.longValue("seed", 1));
    }
}
