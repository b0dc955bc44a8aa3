/**
 * Transactional collections: {@link io.jstm.collections.TMap},
 * {@link io.jstm.collections.TSet} and {@link io.jstm.collections.TQueue}.
 *
 * <p>They implement the {@code java.util} interfaces ({@code ConcurrentMap},
 * {@code Set}, {@code Queue}) and can be used like any concurrent collection:
 * outside a transaction each call is atomic on its own. Inside
 * {@link io.jstm.Stm#atomic} every call, iteration included, joins the running
 * transaction, so several operations on several collections (and refs) commit
 * or roll back together:
 *
 * <pre>{@code
 * Stm.atomic(() -> {
 *     Order o = pending.take();            // TQueue: retries while empty
 *     stock.merge(o.item(), -o.count(), Integer::sum);   // TMap
 *     shipped.add(o.id());                 // TSet
 * });
 * }</pre>
 *
 * <p>They are built for parallel use: operations on different keys or
 * elements do not conflict, sizes are striped counters updated with
 * {@code commute}, and a queue's producers and consumers work on different
 * ends. None of them accepts null keys, values or elements.
 */
package io.jstm.collections;
