import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Same-JVM A/B of two builds of the Lee example: each jar (a shaded
 * {@code stm-examples.jar}, engine included) gets its own class loader, and the
 * two route the board in turn, so that both see the same JVM, heap and
 * machine state; JMH forks of LeeBench differ by up to 1.5x from JVM to JVM.
 * Prints each round and the geometric mean of A's time over B's (the first
 * two rounds are warm-up). Run it in both orders: whichever router goes first
 * in a round tends to be faster (up to 10% on mainboard).
 *
 * <p>Usage: {@code LeeAB BOARD ROUNDS THREADS JAR_A IMPL_A JAR_B IMPL_B}, see run.sh.
 */
public final class LeeAB {
    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: LeeAB BOARD ROUNDS THREADS JAR_A IMPL_A JAR_B IMPL_B");
        }
        String board = args[0];
        int rounds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        Method a = load(args[3]);
        Method b = load(args[5]);
        double logSum = 0;
        int n = 0;
        for (int i = 0; i < rounds; i++) {
            boolean validate = i < 2 || i == rounds - 1;
            double ta = (double) a.invoke(null, board, args[4], threads, validate);
            double tb = (double) b.invoke(null, board, args[6], threads, validate);
            if (i >= 2) {
                logSum += Math.log(ta / tb);
                n++;
            }
            System.out.printf("round %d: A %.0f ms, B %.0f ms, A/B %.3f%n", i, ta, tb, ta / tb);
        }
        System.out.printf("geomean A/B %.3f over %d rounds%n", Math.exp(logSum / n), n);
    }

    private static Method load(String jar) throws Exception {
        Path here = Path.of(System.getProperty("leeab.classes"));
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL(), here.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        return loader.loadClass("LeeRun").getMethod("run", String.class, String.class, int.class, boolean.class);
    }
}
