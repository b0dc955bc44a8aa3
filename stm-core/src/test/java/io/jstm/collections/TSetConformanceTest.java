package io.jstm.collections;

import com.google.common.collect.testing.SetTestSuiteBuilder;
import com.google.common.collect.testing.TestStringSetGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.util.Set;

/** Guava's {@code Set} conformance suite against {@link TSet}, outside transactions and inside them. */
public final class TSetConformanceTest {
    private TSetConformanceTest() {}

    public static Test suite() {
        TestSuite suite = new TestSuite("TSet conformance");
        suite.addTest(suite("TSet", false));
        suite.addTest(suite("TSet in transactions", true));
        return suite;
    }

    private static Test suite(String name, boolean inTransaction) {
        return SetTestSuiteBuilder
                .using(new TestStringSetGenerator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    protected Set<String> create(String[] elements) {
                        TSet<String> set = new TSet<>();
                        for (String e : elements) {
                            set.add(e);
                        }
                        return inTransaction ? InTransaction.wrap(Set.class, set) : set;
                    }
                })
                .named(name)
                .withFeatures(CollectionFeature.GENERAL_PURPOSE, CollectionSize.ANY)
                .createTestSuite();
    }
}
