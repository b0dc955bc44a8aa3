package io.jstm.history;

import io.jstm.history.Anomaly.Kind;
import io.jstm.history.Attempt.Outcome;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planted bugs: hand-built histories, each showing one anomaly, fed to the
 * {@link HistoryChecker} to show that it can fail, and fails with the right
 * diagnosis; plus clean histories with the same shapes, to show that it does
 * not fail for nothing. Refs are {@code X = 0} and {@code Y = 1}, both
 * initially 0; thread numbers and transaction numbers are arbitrary.
 */
class HistoryCheckerSelfTest {

    private static final int X = 0;
    private static final int Y = 1;

    private final History history = new History(0, 0);
    private long txn;

    private Attempt attempt(int thread, Outcome outcome) {
        return history.add(new Attempt(thread, ++txn, 1)).finish(outcome);
    }

    private Attempt committed(int thread) {
        return attempt(thread, Outcome.COMMITTED);
    }

    private HistoryChecker.Result check() {
        return HistoryChecker.check(history);
    }

    private void assertFound(Kind kind, HistoryChecker.Result result) {
        assertTrue(result.counts().containsKey(kind), () -> "expected " + kind + ", got " + result.report());
    }

    private void assertClean(HistoryChecker.Result result) {
        assertTrue(result.ok(), result::report);
    }

    // ------------------------------------------------------------ clean shapes

    @Test
    void serialReadModifyWriteChainsAreClean() {
        committed(1).read(X, 0).write(X, 11).read(Y, 0).write(Y, 12);
        committed(2).read(X, 11).write(X, 21).read(Y, 12);
        committed(1).read(Y, 12).write(Y, 13).read(X, 21);
        assertClean(check());
    }

    @Test
    void concurrentReadOnlySnapshotOfAnOlderStateIsClean() {
        // A read-only transaction may serialize before a writer it overlaps: it sees x and y both old.
        committed(1).read(X, 0).read(Y, 0).write(X, 11).write(Y, 12);
        committed(2).read(X, 0).read(Y, 0);
        attempt(3, Outcome.ABORTED).read(Y, 12).read(X, 11);
        assertClean(check());
    }

    @Test
    void readYourWritesAndUndoneBranchesAreClean() {
        Attempt a = committed(1).read(X, 0).write(X, 11).read(X, 11);
        int mark = a.mark();
        a.read(Y, 0).write(Y, 12).write(X, 13).read(X, 13).undoWritesSince(mark);
        a.read(X, 11).read(Y, 0).write(Y, 14);
        committed(2).read(X, 11).read(Y, 14);
        assertClean(check());
    }

    // ----------------------------------------------------------- planted bugs

    @Test
    void lostUpdateIsReported() {
        committed(1).read(X, 0).write(X, 11);
        committed(2).read(X, 0).write(X, 21);
        HistoryChecker.Result r = check();
        assertFound(Kind.LOST_UPDATE, r);
        assertFound(Kind.CYCLE_G2, r); // each one's read was overwritten by the other: rw both ways
    }

    @Test
    void writeSkewIsReportedAsAG2Cycle() {
        committed(1).read(X, 0).read(Y, 0).write(X, 11);
        committed(2).read(X, 0).read(Y, 0).write(Y, 21);
        HistoryChecker.Result r = check();
        assertFound(Kind.CYCLE_G2, r);
        assertEquals(1, r.counts().size(), r::report);
    }

    @Test
    void readSkewInACommittedTransactionIsReportedAsGSingle() {
        committed(1).read(X, 0).read(Y, 0).write(X, 11).write(Y, 12);
        committed(2).read(X, 11).read(Y, 0);
        HistoryChecker.Result r = check();
        assertFound(Kind.CYCLE_G_SINGLE, r);
        assertEquals(1, r.counts().size(), r::report);
    }

    @Test
    void writeCycleIsReportedAsG0() {
        // T1 replaced T2's y, T2 replaced T1's x: each installed a version after the other's.
        committed(1).read(X, 0).write(X, 11).read(Y, 22).write(Y, 12);
        committed(2).read(Y, 0).write(Y, 22).read(X, 11).write(X, 21);
        assertFound(Kind.CYCLE_G0, check());
    }

    @Test
    void circularInformationFlowIsReportedAsG1c() {
        committed(1).read(X, 0).write(X, 11).read(Y, 22);
        committed(2).read(Y, 0).write(Y, 22).read(X, 11);
        HistoryChecker.Result r = check();
        assertFound(Kind.CYCLE_G1C, r);
        assertEquals(1, r.counts().size(), r::report);
    }

    @Test
    void readOfAnAbortedAttemptsWriteIsReported() {
        attempt(1, Outcome.ABORTED).read(X, 0).write(X, 11);
        committed(2).read(X, 11);
        assertFound(Kind.ABORTED_READ, check());
    }

    @Test
    void readOfAWriteRolledBackByAnExceptionIsReported() {
        attempt(1, Outcome.ROLLED_BACK).read(X, 0).write(X, 11);
        attempt(2, Outcome.ABORTED).read(X, 11);
        assertFound(Kind.ABORTED_READ, check());
    }

    @Test
    void readOfAnIntermediateValueIsReported() {
        committed(1).read(X, 0).write(X, 11).write(X, 12);
        committed(2).read(X, 11);
        assertFound(Kind.INTERMEDIATE_READ, check());
    }

    @Test
    void readOfAWriteFromADiscardedOrElseBranchIsReported() {
        Attempt a = committed(1).read(X, 0);
        int mark = a.mark();
        a.write(X, 11).undoWritesSince(mark).write(X, 12);
        committed(2).read(X, 11);
        assertFound(Kind.DISCARDED_READ, check());
    }

    @Test
    void readOfAValueNobodyWroteIsReported() {
        committed(1).read(X, 99);
        assertFound(Kind.GARBAGE_READ, check());
    }

    @Test
    void readThatMissesTheAttemptsOwnWriteIsReported() {
        committed(1).read(X, 0).write(X, 11).read(X, 0);
        assertFound(Kind.READ_YOUR_WRITES, check());
    }

    @Test
    void readThatStillSeesAnUndoneWriteIsReported() {
        Attempt a = attempt(1, Outcome.ABORTED).read(X, 0);
        int mark = a.mark();
        a.write(X, 11).undoWritesSince(mark).read(X, 11);
        assertFound(Kind.DISCARDED_READ, check());
    }

    @Test
    void inconsistentAbortedAttemptIsReportedAlthoughEveryCommitIsSerializable() {
        // T1 moves x and y together; a zombie attempt sees the new x with the old y.
        committed(1).read(X, 0).read(Y, 0).write(X, 11).write(Y, 12);
        Attempt zombie = attempt(2, Outcome.ABORTED).read(X, 11).read(Y, 0);
        HistoryChecker.Result r = check();
        assertFound(Kind.INCONSISTENT_SNAPSHOT, r);
        assertEquals(1, r.counts().size(), r::report);
        assertTrue(r.anomalies().get(0).attempts().contains(zombie), r::report);
    }

    @Test
    void inconsistencyAcrossTwoCommitsIsReportedForAnAttemptRolledBackByAnException() {
        committed(1).read(X, 0).write(X, 11);
        committed(2).read(X, 11).read(Y, 0).write(Y, 22);
        // Saw T2's y, so T2 preceded it, so T1 did: yet it saw x before T1.
        attempt(3, Outcome.ROLLED_BACK).read(Y, 22).read(X, 0);
        assertFound(Kind.INCONSISTENT_SNAPSHOT, check());
    }

    @Test
    void nonRepeatableReadInAnAbortedAttemptIsReported() {
        committed(1).read(X, 0).write(X, 11);
        attempt(2, Outcome.ABORTED).read(X, 0).read(X, 11);
        HistoryChecker.Result r = check();
        assertFound(Kind.NON_REPEATABLE_READ, r);
        assertFound(Kind.INCONSISTENT_SNAPSHOT, r);
    }

    @Test
    void staleReadAfterACommitFinishedIsReportedAsARealTimeCycle() {
        committed(1).read(X, 0).write(X, 11).during(10, 20);
        committed(2).read(X, 0).during(30, 40); // began after T1 had committed, yet missed its write
        HistoryChecker.Result r = check();
        assertFound(Kind.CYCLE_REALTIME, r);
        assertEquals(1, r.counts().size(), r::report);
    }

    @Test
    void staleReadInOverlappingTransactionsIsClean() {
        committed(1).read(X, 0).write(X, 11).during(10, 30);
        committed(2).read(X, 0).during(20, 40);
        assertClean(check());
    }

    @Test
    void staleAbortedAttemptAfterACommitFinishedIsReported() {
        committed(1).read(X, 0).write(X, 11).during(10, 20);
        attempt(2, Outcome.ABORTED).read(X, 0).during(30, 40);
        assertFound(Kind.INCONSISTENT_SNAPSHOT, check());
    }

    @Test
    void realTimeOrderIsFollowedThroughLongChains() {
        // Only a transitive reduction of real-time edges is built: T1 -> T2 -> T3 -> T4 must still order T1 before T4.
        committed(1).read(X, 0).write(X, 11).during(10, 20);
        committed(2).read(Y, 0).during(30, 40);
        committed(3).read(Y, 0).during(50, 60);
        committed(4).read(X, 0).during(70, 80);
        assertFound(Kind.CYCLE_REALTIME, check());
    }

    @Test
    void commutesAppliedToTheLatestValueAreClean() {
        committed(1).read(X, 0).write(X, 11);
        committed(2).commute(X, 21, 11).commute(X, 22, 21).read(X, 22); // a chain, then read back
        committed(3).read(Y, 0).commute(Y, 31, 0).read(X, 22);
        assertClean(check());
    }

    @Test
    void twoCommutesAppliedToTheSameValueAreALostUpdate() {
        committed(1).commute(X, 11, 0);
        committed(2).commute(X, 21, 0);
        assertFound(Kind.LOST_UPDATE, check());
    }

    @Test
    void commuteThatMissesItsOwnEarlierWriteIsReported() {
        committed(1).read(X, 0).write(X, 11).commute(X, 12, 0);
        assertFound(Kind.READ_YOUR_WRITES, check());
    }

    @Test
    void commuteAppliedToAValueOtherThanTheOneReadIsReported() {
        // The transaction read x=0, so x cannot have changed before its commit applied the function.
        committed(1).read(X, 0).write(X, 11);
        committed(2).read(X, 0).commute(X, 21, 11);
        assertFound(Kind.NON_REPEATABLE_READ, check());
    }

    @Test
    void committedCommuteWhoseFunctionNeverRanIsReported() {
        Attempt a = committed(1);
        a.commute(X, 11);
        assertFound(Kind.BLIND_WRITE, check());
    }

    @Test
    void commuteFunctionRunDuringAFailedCommitCountsOnlyIfTheAttemptCommits() {
        Attempt doomed = new Attempt(1, 1, 1);
        int op = doomed.commute(X, 11);
        doomed.endBlock();
        doomed.commuteApplied(op, 99); // a value it must not be charged with: it never committed
        history.add(doomed.finish(Outcome.ABORTED));
        Attempt ok = new Attempt(1, 1, 2);
        op = ok.commute(X, 12);
        ok.endBlock();
        ok.commuteApplied(op, 0);
        history.add(ok.finish(Outcome.COMMITTED));
        assertClean(check());
    }

    @Test
    void blindWriteIsReportedAsUncheckable() {
        committed(1).write(X, 11);
        assertFound(Kind.BLIND_WRITE, check());
    }

    @Test
    void declaredBlindWritesTakeTheirPlaceInTheVersionOrder() {
        // Only thread 1 writes x: each blind write replaces its previous one.
        committed(1).blindWrite(X, 11, 0).during(10, 20);
        committed(2).read(X, 11).read(Y, 0).during(30, 40);
        committed(1).blindWrite(X, 12, 11).write(X, 13).during(50, 60); // 12 is intermediate
        committed(2).read(X, 13).during(70, 80);
        assertClean(check());
    }

    @Test
    void readOfAVersionOverwrittenByADeclaredBlindWriteBeforeItBeganIsReported() {
        // A blind write that did not land: a later reader still sees the version it replaced.
        committed(1).blindWrite(X, 11, 0).during(10, 20);
        committed(2).read(X, 0).during(30, 40);
        HistoryChecker.Result r = check();
        assertFound(Kind.CYCLE_REALTIME, r);
        assertEquals(1, r.counts().size(), r::report);
    }

    @Test
    void twoDeclaredBlindWritesReplacingOneVersionAreALostUpdate() {
        committed(1).blindWrite(X, 11, 0);
        committed(2).blindWrite(X, 21, 0);
        assertFound(Kind.LOST_UPDATE, check());
    }

    @Test
    void valueWrittenTwiceIsRejectedAsMalformed() {
        committed(1).read(X, 0).write(X, 11);
        committed(2).read(X, 11).write(X, 11);
        assertThrows(IllegalArgumentException.class, this::check);
    }
}
