package io.jstm;

/** Why a transaction attempt was rolled back. */
public enum AbortReason {
    /** A ref this attempt read was changed by another commit before this one could commit. */
    READ_INVALIDATED(true),
    /** Another transaction was committing a write to a ref this attempt also wrote. */
    WRITE_WRITE(true),
    /** This attempt wanted to write a ref that the running inevitable transaction has touched; inevitable ones never lose. */
    LOST_TO_INEVITABLE(true),
    /** The block called {@link Stm#retry()}: it waited for a change and ran again. */
    EXPLICIT_RETRY(false);

    private final boolean conflict;

    AbortReason(boolean conflict) {
        this.conflict = conflict;
    }

    /** True for the conflict kinds (performance problems to look at); false for an explicit retry. */
    public boolean isConflict() {
        return conflict;
    }
}
