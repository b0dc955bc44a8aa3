package io.jstm.history;

import java.util.OptionalLong;

/**
 * One step of a recorded {@link Attempt}, in the order the block performed it.
 *
 * <ul>
 *   <li>{@link Kind#READ}: the block read {@code value} from ref number {@code ref}
 *       (recorded only after the read returned, so an access the engine aborted is
 *       not in the history).</li>
 *   <li>{@link Kind#WRITE}: the block wrote {@code value} to ref {@code ref}
 *       (recorded after the write call returned). A <em>declared blind write</em>
 *       also carries {@code base}: the committed version that the attempt's
 *       writes of the ref replace if it commits, stated by a workload that knows
 *       it without reading the ref (one thread alone writes that ref, so it is
 *       that thread's last committed write of it).</li>
 *   <li>{@link Kind#COMMUTE}: the block called {@code commute} on ref {@code ref}
 *       with a function that returns {@code value} whatever its argument. A write
 *       of {@code value}; {@code base} is the argument the function was last
 *       applied to, when known: the value it replaced. The engine applies it at
 *       commit to the latest committed value (a read at the commit point), or
 *       earlier when the block reads the ref again or has written it (then the
 *       argument is what the block would read).</li>
 *   <li>{@link Kind#UNDO}: the block's writes recorded at op index {@code since}
 *       or later were discarded inside the attempt: a nested {@code Stm.atomic}
 *       that threw, or an {@code Stm.orElse} branch that called {@code retry()}.
 *       Reads before the undo stay part of the attempt (its snapshot).</li>
 * </ul>
 *
 * @param kind  what happened
 * @param ref   the ref's number in the {@link History} (unused by UNDO)
 * @param value the value read or written (unused by UNDO)
 * @param since for UNDO, the first op index whose writes are discarded
 * @param base  for COMMUTE, the value the function was applied to, if known;
 *              for WRITE, the version a declared blind write replaces
 */
record Op(Kind kind, int ref, long value, int since, OptionalLong base) {

    enum Kind { READ, WRITE, COMMUTE, UNDO }

    static Op read(int ref, long value) {
        return new Op(Kind.READ, ref, value, -1, OptionalLong.empty());
    }

    static Op write(int ref, long value) {
        return new Op(Kind.WRITE, ref, value, -1, OptionalLong.empty());
    }

    static Op blindWrite(int ref, long value, long replaces) {
        return new Op(Kind.WRITE, ref, value, -1, OptionalLong.of(replaces));
    }

    static Op commute(int ref, long value, OptionalLong base) {
        return new Op(Kind.COMMUTE, ref, value, -1, base);
    }

    static Op undo(int since) {
        return new Op(Kind.UNDO, -1, 0, since, OptionalLong.empty());
    }

    /** WRITE or COMMUTE: installs {@code value} in {@code ref} if it survives to the commit. */
    boolean writes() {
        return kind == Kind.WRITE || kind == Kind.COMMUTE;
    }

    @Override
    public String toString() {
        switch (kind) {
            case READ:
                return "r" + ref + "=" + value;
            case WRITE:
                return "r" + ref + ":=" + value + (base.isPresent() ? "(blind, replaces " + base.getAsLong() + ")" : "");
            case COMMUTE:
                return "r" + ref + ":=" + value + "(commute on " + (base.isPresent() ? base.getAsLong() : "?") + ")";
            default:
                return "undo-writes-since#" + since;
        }
    }
}
