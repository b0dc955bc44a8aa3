package io.jstm.examples.lee;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lee code in a class loader of its own, so that the JIT compiles it apart
 * from the other routers in the same JVM.
 *
 * <p>Why: every router's path finder runs the same {@link PathFinder} code,
 * and the JIT compiles a method once per class loader, from the profile of
 * every caller. Once the STM routers have run, the sequential router's path
 * finder runs code compiled for cells read through the STM as well: on
 * {@code mainboard} it took 2,327 ms in one JVM with jstm against 1,090 ms in
 * a JVM of its own (2026-11-24), so a ratio of the two measured in one JVM
 * flattered jstm by 2x. Each router given its own loader is compiled as in a
 * JVM of its own. Only {@code java.*} types (strings, arrays, boxes) may
 * cross between loaders: the copies' own classes differ from this loader's.
 */
public final class Isolated {
    private final ClassLoader loader;

    private Isolated(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * A fresh loader over this JVM's class path (each entry, and the jars a
     * manifest-only jar's {@code Class-Path} names), whose parent is the platform
     * loader: every application class is loaded anew in it.
     */
    public static Isolated newLoader() {
        String classPath = System.getProperty("java.class.path", "");
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                try {
                    urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException("class path entry " + entry + " is not a valid URL", e);
                }
            }
        }
        if (urls.isEmpty()) {
            throw new IllegalStateException("java.class.path is empty: run with -cp (or -jar) so that the Lee "
                    + "classes can be loaded again in a loader of their own");
        }
        return new Isolated(new URLClassLoader("lee-isolated", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader()));
    }

    /** The loader's own copy of {@code c} (a different class from {@code c}). */
    public Class<?> copyOf(Class<?> c) {
        try {
            return Class.forName(c.getName(), true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(c.getName() + " is not on java.class.path; run with the class path "
                    + "that holds the Lee classes", e);
        }
    }

    /**
     * Calls the copy's public static method {@code name} of {@code owner} with
     * {@code args}, which must be {@code java.*} values (and so must its result).
     * An exception the method throws is rethrown as it is if unchecked.
     */
    public Object call(Class<?> owner, String name, Class<?>[] types, Object... args) {
        Method m;
        try {
            m = copyOf(owner).getMethod(name, types);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no public method " + owner.getName() + "." + name, e);
        }
        try {
            return m.invoke(null, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(owner.getName() + "." + name + " is not accessible", e);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(owner.getName() + "." + name + " failed", t);
        }
    }

    /** The loader itself, to check that a class came from it. */
    public ClassLoader loader() {
        return loader;
    }
}
