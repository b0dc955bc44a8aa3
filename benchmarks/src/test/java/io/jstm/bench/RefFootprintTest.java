package io.jstm.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bounds on the memory {@link RefFootprint} measures with JOL, so that a layout
 * change that makes {@code LongArray} cost what a ref per element costs fails
 * here. Measured on 64-bit JDK 17 with compressed references: 13.5 bytes per
 * element for a {@code LongArray} (108 bytes per stripe of 8 elements: a 40-byte
 * stripe, its 8 elements in the array's one {@code long[]} and a 4-byte slot in
 * the stripe array),
 * 36 for a {@code LongRef[]} (a 32-byte ref and a 4-byte pointer).
 */
class RefFootprintTest {

    @Test
    void aLongArrayCostsAtMostTwentyBytesPerElementAndUnderHalfALongRefArray() {
        double array = RefFootprint.longArrayBytesPerElement(RefFootprint.ARRAY_LENGTH);
        double refs = RefFootprint.longRefArrayBytesPerElement(RefFootprint.ARRAY_LENGTH);
        System.out.printf("%,d elements: LongArray %.2f B/element, LongRef[] %.2f B/element%n",
                RefFootprint.ARRAY_LENGTH, array, refs);
        assertTrue(array >= 8, () -> "LongArray at " + array + " B/element: less than its values; JOL measured nothing?");
        assertTrue(array <= 20, () -> "LongArray at " + array + " B/element, above the bound of 20");
        assertTrue(array < refs / 2, () -> "LongArray at " + array + " B/element is not under half of LongRef[] at " + refs);
    }
}
