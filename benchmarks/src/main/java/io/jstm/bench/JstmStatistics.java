package io.jstm.bench;

import io.jstm.Stm;

/**
 * jstm's own abort counters ({@link Stm#statistics()}), printed after each
 * iteration of a jstm trial beside the uniform count the benchmarks keep for
 * every STM (re-executions of the block). The two should agree; jstm's also
 * say why each attempt aborted. The lines land in JMH's console log.
 */
final class JstmStatistics {
    private JstmStatistics() {}

    static void reset(String impl) {
        if (impl.startsWith(Impls.JSTM)) {
            Stm.resetStatistics();
        }
    }

    static void print(String impl) {
        if (impl.startsWith(Impls.JSTM)) {
            System.out.println(System.lineSeparator() + "    jstm statistics: " + Stm.statistics());
        }
    }
}
