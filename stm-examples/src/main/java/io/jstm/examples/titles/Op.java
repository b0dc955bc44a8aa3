package io.jstm.examples.titles;

/**
 * One request to the title service.
 *
 * @param kind what to do
 * @param text the prefix to search for, or the article to add or remove (empty for an audit)
 */
public record Op(Kind kind, String text) {
    public enum Kind {
        /** Search-as-you-type: the first titles starting with {@code text}. */
        QUERY,
        /** A new article (and its redirect). */
        ADD,
        /** A deleted article (and its redirect). */
        REMOVE,
        /** Read the index's sizes in one snapshot and check they agree. */
        AUDIT
    }
}
