package io.jstm;

/**
 * Global transaction counters since start-up or the last {@link Stm#resetStatistics()},
 * summed over every thread. Taken without stopping anyone, so a snapshot taken
 * while transactions run is approximate by the few in flight.
 *
 * @param commits                   committed transactions (top-level atomic blocks)
 * @param readInvalidatedAborts     attempts aborted because another commit changed what they read
 * @param writeWriteAborts          attempts aborted because another committer held a ref they wrote
 * @param lostToInevitableAborts    attempts aborted because the inevitable transaction touched a ref they wrote
 * @param retries                   explicit {@link Stm#retry()} waits
 * @param inevitableTransactions    transactions that committed inevitable (requested or escalated)
 * @param escalations               transactions run inevitable because they kept losing conflicts (or lost one after a long attempt),
 *                                  or because their commit waited long for a commuted ref
 * @param wastedNanos               time spent in attempts that aborted (see {@link AbortInfo#wastedNanos()})
 * @param longestTransactionNanos   the longest timed transaction (attempt that committed)
 */
public record StmStatistics(long commits, long readInvalidatedAborts, long writeWriteAborts,
                            long lostToInevitableAborts, long retries, long inevitableTransactions,
                            long escalations, long wastedNanos, long longestTransactionNanos) {

    /** All conflict aborts (not counting explicit retries). */
    public long conflictAborts() {
        return readInvalidatedAborts + writeWriteAborts + lostToInevitableAborts;
    }

    @Override
    public String toString() {
        return String.format("commits=%d aborts=%d (read-invalidated=%d, write-write=%d, lost-to-inevitable=%d) "
                        + "retries=%d inevitable=%d escalations=%d wasted=%.3f ms longest=%.3f ms",
                commits, conflictAborts(), readInvalidatedAborts, writeWriteAborts, lostToInevitableAborts,
                retries, inevitableTransactions, escalations, wastedNanos / 1e6, longestTransactionNanos / 1e6);
    }
}
