package io.jstm.collections;

import io.jstm.Stm;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Wraps a collection so that every call on it, and on every view, iterator
 * and entry it hands out, runs inside {@link Stm#atomic}: the Guava suites run
 * through it exercise the in-transaction code paths (lazy iteration, views
 * joined to a running transaction).
 */
final class InTransaction implements InvocationHandler {
    /** Returned objects of these types are wrapped too. */
    private static final Class<?>[] WRAPPED = {Map.class, Set.class, Collection.class, Iterator.class, Map.Entry.class};

    private final Object target;

    private InTransaction(Object target) {
        this.target = target;
    }

    static <T> T wrap(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(InTransaction.class.getClassLoader(), new Class<?>[] {type},
                new InTransaction(target)));
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        Object[] unwrapped = args == null ? null : args.clone();
        if (unwrapped != null) {
            for (int i = 0; i < unwrapped.length; i++) {
                unwrapped[i] = unwrap(unwrapped[i]);
            }
        }
        Object result = Stm.atomic(() -> {
            if (!Stm.inTransaction()) {
                throw new AssertionError("not in a transaction");
            }
            try {
                return m.invoke(target, unwrapped);
            } catch (InvocationTargetException e) {
                throw sneaky(e.getCause());
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        });
        return wrapResult(m.getReturnType(), result);
    }

    private static Object unwrap(Object o) {
        if (o != null && Proxy.isProxyClass(o.getClass()) && Proxy.getInvocationHandler(o) instanceof InTransaction) {
            return ((InTransaction) Proxy.getInvocationHandler(o)).target;
        }
        return o;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object wrapResult(Class<?> declared, Object result) {
        if (result == null) {
            return null;
        }
        for (Class<?> t : WRAPPED) {
            if (declared == t) {
                return wrap((Class) t, result);
            }
        }
        if (declared == Object.class && result instanceof Map.Entry) {
            return wrap(Map.Entry.class, (Map.Entry) result); // from an entry set's iterator
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
