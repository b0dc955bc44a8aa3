package io.jstm.examples.lee;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class IsolatedTest {

    @Test
    void aCopyIsADifferentClassWithItsOwnStatics() {
        Isolated a = Isolated.newLoader();
        Isolated b = Isolated.newLoader();
        Class<?> copy = a.copyOf(PathFinder.class);
        assertEquals(PathFinder.class.getName(), copy.getName());
        assertNotSame(PathFinder.class, copy);
        assertSame(a.loader(), copy.getClassLoader());
        assertNotSame(copy, b.copyOf(PathFinder.class), "each loader has its own copy");
        assertSame(copy, a.copyOf(PathFinder.class), "one loader loads a class once");
        // The engine comes along: a copy of stm-core too, not this loader's.
        assertNotSame(io.jstm.Stm.class, a.copyOf(io.jstm.Stm.class));
    }

    @Test
    void aBaselineRoutedInItsOwnLoaderComesBackAsPlainValues() {
        Isolated loader = Isolated.newLoader();
        Object[] seq = LeeDemo.Baseline.best(loader, "minimal", "sequential", 1, 2);
        long[] v = (long[]) seq[0];
        assertTrue(v[0] > 0, "nanos " + v[0]);
        assertEquals(2, v[2], "both routes of the minimal board are laid");
        assertEquals(0, v[3], "none stuck");
        assertEquals(1, v[4], "threads");
        assertEquals(new Sequential().name(), seq[1]);
        assertEquals("[]", seq[2]);

        Object[] lock = LeeDemo.Baseline.best(loader, "testBoard", "globalLock", 2, 1);
        assertEquals(2, ((long[]) lock[0])[4]);
        assertEquals(Board.load("testBoard").routes().size(), ((long[]) lock[0])[2] + ((long[]) lock[0])[3]);
    }

    @Test
    void misuseInTheCopyComesBackAsTheCopysException() {
        Isolated loader = Isolated.newLoader();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeeDemo.Baseline.best(loader, "minimal", "jstm", 1, 1));
        assertTrue(e.getMessage().contains("use sequential or globalLock"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> loader.call(LeeDemo.Baseline.class, "noSuchMethod", new Class<?>[0]));
        assertTrue(missing.getMessage().contains("noSuchMethod"), missing.getMessage());
    }
}
