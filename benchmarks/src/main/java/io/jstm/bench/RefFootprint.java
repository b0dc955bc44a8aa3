package io.jstm.bench;

import io.jstm.LongArray;
import io.jstm.LongRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.multiverse.api.StmUtils;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;
import scala.concurrent.stm.japi.STM;

/**
 * Memory per ref, measured with JOL: jstm's {@code Ref} and {@code LongRef}
 * beside the peers' refs, then memory per element of a transactional array of
 * longs: a {@link LongArray} against a {@code LongRef[]}. Not a JMH benchmark;
 * run it from the same jar:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.jstm.bench.RefFootprint</pre>
 *
 * <p>For each kind it prints the shallow size of the object the user holds,
 * and the deep size per ref: everything reachable from 1000 such refs, less
 * the array that holds them, divided by 1000. Objects that all refs share
 * (a global STM instance, an empty map constant) then amortise to almost
 * nothing, while anything a ref owns (a lock, a version record, a history
 * node, a wrapper) is counted in full. Object refs hold {@code null}, so the
 * value itself is not counted; long refs hold 0.
 *
 * <p>For arrays, the deep size of the whole structure (everything reachable from
 * the {@code LongArray}, or from the {@code LongRef[]} including the array of
 * pointers) divided by its length, for {@link #ARRAY_LENGTH} elements: the
 * values count here, since they are what an array is for.
 */
public final class RefFootprint {
    private static final int COUNT = 1000;
    /** Elements of the array footprint: the Lee mainboard's depth grid, 600 x 600 cells x 2 layers. */
    static final int ARRAY_LENGTH = 720_000;

    private RefFootprint() {}

    record Kind(String name, Supplier<Object> make) {}

    public static void main(String[] args) {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("jstm Ref.of(null)", () -> io.jstm.Ref.of(null)));
        kinds.add(new Kind("jstm LongRef.of(0)", () -> LongRef.of(0)));
        kinds.add(new Kind("ScalaSTM japi STM.newRef(null) (boxed)", () -> STM.newRef(null)));
        kinds.add(new Kind("ScalaSTM Ref.apply(0L) (specialised long)",
                () -> scala.concurrent.stm.Ref$.MODULE$.apply(0L)));
        kinds.add(new Kind("Multiverse newTxnRef(null)", () -> StmUtils.newTxnRef(null)));
        kinds.add(new Kind("Multiverse newTxnLong(0)", () -> StmUtils.newTxnLong(0)));
        kinds.add(new Kind("Clojure new Ref(null)", () -> new clojure.lang.Ref(null)));

        System.out.println(VM.current().details());
        System.out.println("| ref | class | shallow bytes | deep bytes per ref |");
        System.out.println("| --- | --- | ---: | ---: |");
        List<Object> samples = new ArrayList<>();
        for (Kind kind : kinds) {
            Object[] refs = new Object[COUNT];
            for (int i = 0; i < COUNT; i++) {
                refs[i] = kind.make().get();
            }
            long shallow = ClassLayout.parseInstance(refs[0]).instanceSize();
            long deep = GraphLayout.parseInstance((Object) refs).totalSize()
                    - ClassLayout.parseInstance(refs).instanceSize();
            System.out.printf("| %s | %s | %d | %.1f |%n",
                    kind.name(), refs[0].getClass().getName(), shallow, deep / (double) COUNT);
            samples.add(refs[0]);
        }
        System.out.println();
        System.out.printf("| array of %,d longs | deep bytes per element |%n", ARRAY_LENGTH);
        System.out.println("| --- | ---: |");
        System.out.printf("| plain long[] | %.1f |%n", deepBytesPerElement(new long[ARRAY_LENGTH], ARRAY_LENGTH));
        System.out.printf("| jstm LongArray.ofLength(n) | %.1f |%n", longArrayBytesPerElement(ARRAY_LENGTH));
        System.out.printf("| jstm LongRef[] of LongRef.of(0) | %.1f |%n", longRefArrayBytesPerElement(ARRAY_LENGTH));
        System.out.println();
        System.out.println("Field layouts of jstm's refs:");
        System.out.println(ClassLayout.parseInstance(samples.get(0)).toPrintable());
        System.out.println(ClassLayout.parseInstance(samples.get(1)).toPrintable());
        System.out.println("Everything one jstm Ref.of(null) reaches:");
        System.out.println(GraphLayout.parseInstance(samples.get(0)).toFootprint());
        System.out.println("Everything one jstm LongRef.of(0) reaches:");
        System.out.println(GraphLayout.parseInstance(samples.get(1)).toFootprint());
        System.out.println("Everything a jstm LongArray.ofLength(20) reaches (a short last stripe included):");
        System.out.println(GraphLayout.parseInstance(LongArray.ofLength(20)).toFootprint());
    }

    /** Deep bytes per element of a {@link LongArray} of {@code length} zeros. */
    static double longArrayBytesPerElement(int length) {
        return deepBytesPerElement(LongArray.ofLength(length), length);
    }

    /** Deep bytes per element of a {@code LongRef[]} of {@code length} refs holding 0, the array included. */
    static double longRefArrayBytesPerElement(int length) {
        LongRef[] refs = new LongRef[length];
        Arrays.setAll(refs, i -> LongRef.of(0));
        return deepBytesPerElement(refs, length);
    }

    private static double deepBytesPerElement(Object root, int length) {
        return GraphLayout.parseInstance(root).totalSize() / (double) length;
    }
}
