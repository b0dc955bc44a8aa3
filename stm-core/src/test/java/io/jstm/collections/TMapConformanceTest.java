package io.jstm.collections;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * Guava's {@code ConcurrentMap} conformance suite (which includes the whole
 * {@code Map} suite and the suites of the three views) against {@link TMap},
 * once called outside transactions and once with every call, on the map and on
 * everything it hands out, inside {@code Stm.atomic}.
 */
public final class TMapConformanceTest {
    private TMapConformanceTest() {}

    public static Test suite() {
        TestSuite suite = new TestSuite("TMap conformance");
        suite.addTest(suite("TMap", false));
        suite.addTest(suite("TMap in transactions", true));
        return suite;
    }

    private static Test suite(String name, boolean inTransaction) {
        return ConcurrentMapTestSuiteBuilder
                .using(new TestStringMapGenerator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                        TMap<String, String> map = new TMap<>();
                        for (Map.Entry<String, String> e : entries) {
                            map.put(e.getKey(), e.getValue());
                        }
                        return inTransaction ? InTransaction.wrap(ConcurrentMap.class, map) : map;
                    }
                })
                .named(name)
                .withFeatures(
                        MapFeature.GENERAL_PURPOSE,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                        CollectionSize.ANY)
                .createTestSuite();
    }
}
