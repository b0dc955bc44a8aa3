package io.jstm.dispatch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of an {@link EventDispatcher} since it was created, from
 * {@link EventDispatcher#statistics()}. Taken without stopping the workers, so
 * a snapshot taken while events run may be off by the few finishing meanwhile.
 *
 * @param published    events accepted by {@code publish} (with at least one handler)
 * @param submitted    tasks accepted by {@code submit}
 * @param completed    events and tasks whose future completed normally (every handler committed)
 * @param failed       events and tasks whose future completed exceptionally
 * @param rejected     {@code publish} and {@code submit} calls refused because the dispatcher was full
 *                     ({@link WhenFull#FAIL}, or an interrupted {@link WhenFull#BLOCK} wait)
 * @param unhandled    events published with no handler registered for their class (their future completes at once)
 * @param queueDepth   handler runs and tasks accepted but not started yet, at the time of the snapshot
 * @param inFlight     events and tasks accepted but not finished, at the time of the snapshot
 * @param byEventType  per type given to {@link EventDispatcher#on} (in registration order): its handlers' counters
 * @param tasks        the counters of the tasks given to {@code submit}
 */
public record DispatchStatistics(long published, long submitted, long completed, long failed, long rejected,
                                 long unhandled, int queueDepth, int inFlight,
                                 Map<Class<?>, HandlerStatistics> byEventType, HandlerStatistics tasks) {

    public DispatchStatistics {
        byEventType = Collections.unmodifiableMap(new LinkedHashMap<>(byEventType));
    }

    /** The counters of the handlers registered for {@code type}, or {@link HandlerStatistics#NONE}. */
    public HandlerStatistics forEventType(Class<?> type) {
        return byEventType.getOrDefault(type, HandlerStatistics.NONE);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("published=%d submitted=%d completed=%d failed=%d rejected=%d unhandled=%d "
                        + "queueDepth=%d inFlight=%d", published, submitted, completed, failed, rejected, unhandled,
                queueDepth, inFlight));
        byEventType.forEach((type, s) -> sb.append("\n  on(").append(type.getName()).append("): ").append(s));
        sb.append("\n  submit: ").append(tasks);
        return sb.toString();
    }
}
