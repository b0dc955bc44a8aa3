package io.jstm.examples.titles;

/**
 * One search result: a title and the other title of its pair (an article's
 * redirect, a redirect's article), both read in the query's one snapshot.
 *
 * @param title the title found
 * @param pair  its pair, or null if the snapshot held the title without its
 *              pair: a torn update seen half-done, which must never happen
 */
public record Hit(String title, String pair) {
    public boolean broken() {
        return pair == null;
    }
}
