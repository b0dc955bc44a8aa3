/**
 * jstm: software transactional memory for Java.
 * Exports only the API; the engine in {@code io.jstm.internal} stays private.
 */
module io.jstm {
    requires jdk.jfr;

    exports io.jstm;
    exports io.jstm.dispatch;
    exports io.jstm.collections;
}
