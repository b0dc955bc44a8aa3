package io.jstm.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A directed multigraph of dependencies between attempts (nodes are attempt
 * indices), with typed, explained edges, and the two queries a history checker
 * needs: the strongly connected components of a sub-graph (by node filter and
 * edge types) and a shortest cycle through a given node inside one.
 *
 * <p>Edges are stored in parallel growable arrays and turned into an adjacency
 * index (CSR: per-node ranges of edge ids) on first query; adding edges after a
 * query rebuilds it. Tarjan's algorithm runs iteratively, so long dependency
 * chains (tens of thousands of transactions) cannot overflow the stack.
 */
final class DependencyGraph {

    /** Edge kinds, weakest first; {@code ref}/{@code value} say which version caused the edge. */
    enum EdgeType {
        /** {@code from} installed {@code value} of {@code ref}; {@code to} installed the next version. */
        WW,
        /** {@code from} installed {@code value} of {@code ref}; {@code to} read it. */
        WR,
        /** {@code from} read {@code value} of {@code ref}; {@code to} installed the next version (anti-dependency). */
        RW,
        /** {@code from} committed before {@code to} began, in real time. */
        RT
    }

    record Edge(int from, int to, EdgeType type, int ref, long value) {}

    private final int nodeCount;
    private int size;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private byte[] type = new byte[1024];
    private int[] ref = new int[1024];
    private long[] value = new long[1024];

    /** Adjacency index, built lazily: out-edges of node n are ids adj[head[n]..head[n+1]). */
    private int[] head;
    private int[] adj;

    DependencyGraph(int nodeCount) {
        this.nodeCount = nodeCount;
    }

    void add(int f, int t, EdgeType ty, int r, long v) {
        if (f == t) {
            return; // an attempt does not depend on itself
        }
        if (size == from.length) {
            int n = size << 1;
            from = Arrays.copyOf(from, n);
            to = Arrays.copyOf(to, n);
            type = Arrays.copyOf(type, n);
            ref = Arrays.copyOf(ref, n);
            value = Arrays.copyOf(value, n);
        }
        from[size] = f;
        to[size] = t;
        type[size] = (byte) ty.ordinal();
        ref[size] = r;
        value[size] = v;
        size++;
        head = null;
    }

    int edgeCount() {
        return size;
    }

    int countOf(EdgeType ty) {
        int n = 0;
        for (int e = 0; e < size; e++) {
            if (type[e] == ty.ordinal()) {
                n++;
            }
        }
        return n;
    }

    private void index() {
        if (head != null) {
            return;
        }
        int[] h = new int[nodeCount + 1];
        for (int e = 0; e < size; e++) {
            h[from[e] + 1]++;
        }
        for (int n = 0; n < nodeCount; n++) {
            h[n + 1] += h[n];
        }
        int[] fill = Arrays.copyOf(h, nodeCount);
        int[] a = new int[size];
        for (int e = 0; e < size; e++) {
            a[fill[from[e]]++] = e;
        }
        head = h;
        adj = a;
    }

    private static int maskOf(Set<EdgeType> types) {
        int m = 0;
        for (EdgeType t : types) {
            m |= 1 << t.ordinal();
        }
        return m;
    }

    /**
     * The strongly connected components with at least two nodes, in the
     * sub-graph of the nodes {@code nodes} accepts and the edges of {@code types}.
     */
    List<int[]> cyclicComponents(Set<EdgeType> types, IntPredicate nodes) {
        index();
        int mask = maskOf(types);
        int[] order = new int[nodeCount];
        Arrays.fill(order, -1);
        int[] low = new int[nodeCount];
        boolean[] onStack = new boolean[nodeCount];
        int[] stack = new int[nodeCount];
        int[] call = new int[nodeCount];
        int[] next = new int[nodeCount];
        int sp = 0;
        int counter = 0;
        List<int[]> result = new ArrayList<>();
        for (int s = 0; s < nodeCount; s++) {
            if (order[s] >= 0 || !nodes.test(s)) {
                continue;
            }
            int cp = 0;
            call[cp++] = s;
            order[s] = low[s] = counter++;
            stack[sp++] = s;
            onStack[s] = true;
            next[s] = head[s];
            while (cp > 0) {
                int v = call[cp - 1];
                boolean descended = false;
                while (next[v] < head[v + 1]) {
                    int e = adj[next[v]++];
                    int w = to[e];
                    if ((mask & (1 << type[e])) == 0 || !nodes.test(w)) {
                        continue;
                    }
                    if (order[w] < 0) {
                        order[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        next[w] = head[w];
                        call[cp++] = w;
                        descended = true;
                        break;
                    }
                    if (onStack[w]) {
                        low[v] = Math.min(low[v], order[w]);
                    }
                }
                if (descended) {
                    continue;
                }
                if (low[v] == order[v]) {
                    int top = sp;
                    do {
                        onStack[stack[--sp]] = false;
                    } while (stack[sp] != v);
                    if (top - sp >= 2) {
                        result.add(Arrays.copyOfRange(stack, sp, top));
                    }
                }
                cp--;
                if (cp > 0) {
                    int u = call[cp - 1];
                    low[u] = Math.min(low[u], low[v]);
                }
            }
        }
        return result;
    }

    /**
     * A shortest cycle (in edges) through {@code start} that stays inside
     * {@code members} and uses edges of {@code types}; on each hop the weakest
     * edge type available is chosen, so the cycle is classified as mildly as
     * the graph allows. Empty if there is none.
     */
    List<Edge> cycleThrough(int start, int[] members, Set<EdgeType> types) {
        index();
        int mask = maskOf(types);
        BitSet in = new BitSet(nodeCount);
        for (int m : members) {
            in.set(m);
        }
        int[] parent = new int[nodeCount]; // the node we came from; only meaningful for reached nodes
        BitSet reached = new BitSet(nodeCount);
        int[] queue = new int[members.length];
        int qh = 0;
        int qt = 0;
        queue[qt++] = start;
        reached.set(start);
        int last = -1;
        search:
        while (qh < qt) {
            int v = queue[qh++];
            for (int i = head[v]; i < head[v + 1]; i++) {
                int e = adj[i];
                int w = to[e];
                if ((mask & (1 << type[e])) == 0 || !in.get(w)) {
                    continue;
                }
                if (w == start) {
                    last = v;
                    break search;
                }
                if (!reached.get(w)) {
                    reached.set(w);
                    parent[w] = v;
                    queue[qt++] = w;
                }
            }
        }
        if (last < 0) {
            return List.of();
        }
        List<Integer> path = new ArrayList<>();
        for (int v = last; v != start; v = parent[v]) {
            path.add(v);
        }
        path.add(start);
        List<Edge> cycle = new ArrayList<>();
        for (int i = path.size() - 1; i >= 0; i--) {
            int f = path.get(i);
            int t = i == 0 ? start : path.get(i - 1);
            cycle.add(weakestEdge(f, t, mask));
        }
        return cycle;
    }

    private Edge weakestEdge(int f, int t, int mask) {
        int best = -1;
        for (int i = head[f]; i < head[f + 1]; i++) {
            int e = adj[i];
            if (to[e] == t && (mask & (1 << type[e])) != 0 && (best < 0 || type[e] < type[best])) {
                best = e;
            }
        }
        return new Edge(f, t, EdgeType.values()[type[best]], ref[best], value[best]);
    }
}
