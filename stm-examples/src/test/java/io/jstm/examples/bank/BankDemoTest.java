package io.jstm.examples.bank;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BankDemoTest {

    @Test
    void theStmBankConservesTheTotalUnderConcurrentTransfersAndAudits() throws Exception {
        BankDemo.Result r = BankDemo.run(new StmBank(64, 1_000), 2, 300, 1_000);
        assertTrue(r.transfers() > 0);
        assertTrue(r.audits() > 0);
        assertEquals(0, r.badAudits());
        assertEquals(64_000, r.total());
        assertTrue(r.conserved());
    }

    @Test
    void theGlobalLockBankConservesTheTotalToo() throws Exception {
        BankDemo.Result r = BankDemo.run(new GlobalLockBank(64, 1_000), 2, 200, 1_000);
        assertTrue(r.conserved());
    }

    @Test
    void aSingleTransferMovesExactlyTheAmount() {
        StmBank bank = new StmBank(3, 10);
        bank.transfer(0, 2, 7);
        assertEquals(30, bank.audit());
        GlobalLockBank lock = new GlobalLockBank(3, 10);
        lock.transfer(0, 2, 7);
        assertEquals(30, lock.audit());
    }
}
