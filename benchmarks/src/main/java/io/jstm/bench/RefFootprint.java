package io.jstm.bench;

import io.jstm.LongRef;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.multiverse.api.StmUtils;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;
import scala.concurrent.stm.japi.STM;

/**
 * Memory per ref, measured with JOL: jstm's {@code Ref} and {@code LongRef}
 * beside the peers' refs. Not a JMH benchmark; run it from the same jar:
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
 */
public final class RefFootprint {
    private static final int COUNT = 1000;

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
        System.out.println("Field layouts of jstm's refs:");
        System.out.println(ClassLayout.parseInstance(samples.get(0)).toPrintable());
        System.out.println(ClassLayout.parseInstance(samples.get(1)).toPrintable());
        System.out.println("Everything one jstm Ref.of(null) reaches:");
        System.out.println(GraphLayout.parseInstance(samples.get(0)).toFootprint());
        System.out.println("Everything one jstm LongRef.of(0) reaches:");
        System.out.println(GraphLayout.parseInstance(samples.get(1)).toFootprint());
    }
}
