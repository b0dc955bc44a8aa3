package io.jstm.collections;

import com.google.common.collect.testing.QueueTestSuiteBuilder;
import com.google.common.collect.testing.TestStringQueueGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.util.Queue;
import java.util.function.Supplier;

/**
 * Guava's {@code Queue} conformance suite against {@link TQueue}, unbounded and
 * bounded, outside transactions and inside them.
 */
public final class TQueueConformanceTest {
    private TQueueConformanceTest() {}

    public static Test suite() {
        TestSuite suite = new TestSuite("TQueue conformance");
        suite.addTest(suite("TQueue", TQueue::new, false));
        suite.addTest(suite("TQueue in transactions", TQueue::new, true));
        suite.addTest(suite("bounded TQueue", () -> new TQueue<>(64), false));
        suite.addTest(suite("bounded TQueue in transactions", () -> new TQueue<>(64), true));
        return suite;
    }

    private static Test suite(String name, Supplier<TQueue<String>> factory, boolean inTransaction) {
        return QueueTestSuiteBuilder
                .using(new TestStringQueueGenerator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    protected Queue<String> create(String[] elements) {
                        TQueue<String> queue = factory.get();
                        for (String e : elements) {
                            queue.add(e);
                        }
                        return inTransaction ? InTransaction.wrap(Queue.class, queue) : queue;
                    }
                })
                .named(name)
                .withFeatures(CollectionFeature.GENERAL_PURPOSE, CollectionFeature.KNOWN_ORDER, CollectionSize.ANY)
                .createTestSuite();
    }
}
