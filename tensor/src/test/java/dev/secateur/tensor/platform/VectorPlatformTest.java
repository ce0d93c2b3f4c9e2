package dev.secateur.tensor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The probe reports the platform the JVM really offers. The width-specific test runs pass the
 * shape they asked the JVM for ({@code secateur.expect.bits}, {@code secateur.expect.fma}), so a
 * probe that silently fell back to another shape fails here instead of hiding in the timings.
 */
class VectorPlatformTest {
    @Test
    void theProbeMatchesTheVectorShapeTheJvmWasStartedWith() {
        String bits = System.getProperty("secateur.expect.bits");
        if (bits != null) assertEquals(Integer.parseInt(bits), VectorPlatform.BITS, VectorPlatform.describe());
        String fma = System.getProperty("secateur.expect.fma");
        if (fma != null) assertEquals(Boolean.parseBoolean(fma), VectorPlatform.FMA, VectorPlatform.describe());
        assertEquals(VectorPlatform.BITS / Float.SIZE, VectorPlatform.LANES);
        assertTrue(VectorPlatform.REGISTERS == 16 || VectorPlatform.REGISTERS == 32);
        assertTrue(VectorPlatform.supportsLanes(VectorPlatform.LANES));
        assertFalse(VectorPlatform.supportsLanes(2 * VectorPlatform.LANES));
    }

    @Test
    void theGemmTileFitsTheRegisterFile() {
        GemmBlocking g = VectorPlatform.GEMM;
        assertEquals(0, g.nr() % VectorPlatform.LANES, g.toString());
        int vectors = g.nr() / VectorPlatform.LANES;
        // accumulators (mr × B vectors) + the B vectors + one broadcast must fit the registers.
        assertTrue(g.mr() * vectors + vectors + 1 <= VectorPlatform.REGISTERS, g.toString());
        assertTrue(g.kc() >= 64 && g.mc() % g.mr() == 0 && g.nc() >= GemmBlocking.NC_MIN, g.toString());
    }

    @Test
    void blockingFollowsTheCaches() {
        GemmBlocking small = GemmBlocking.of(8, 16, true, new CacheSizes(32 << 10, 256 << 10, 4L << 20, "test"));
        GemmBlocking large = GemmBlocking.of(8, 16, true, new CacheSizes(64 << 10, 2 << 20, 64L << 20, "test"));
        // The computed tiles, unless a build runs this with a tile requested.
        if (System.getProperty("secateur.gemm.tile") == null) {
            assertEquals(4, small.mr());
            assertEquals(16, small.nr());
        }
        assertEquals("3x3", GemmBlocking.tile("3x3", 16, true), "the 3-row tile on request");
        assertEquals("4x2", GemmBlocking.tile("3x3", 16, false), "3x3 needs FMA");
        assertEquals("4x2", GemmBlocking.tile("8x2", 16, true), "8x2 needs 32 registers");
        assertEquals("8x2", GemmBlocking.tile("bogus", 32, true));
        assertEquals(4, GemmBlocking.of(4, 16, false, CacheSizes.DEFAULTS).mr(), "without FMA the products need registers too");
        assertTrue(small.kc() <= large.kc() && small.mc() <= large.mc() && small.nc() <= large.nc(), small + " vs " + large);
        // The A block (MC × KC floats) stays within the sixteenth of L2 it was sized for (column walk).
        assertTrue((long) small.mc() * small.kc() * Float.BYTES <= (256 << 10) / 16, small.toString());
        assertTrue(small.kc() <= GemmBlocking.KC_MAX && large.kc() <= GemmBlocking.KC_MAX, large.toString());
        GemmBlocking wide = GemmBlocking.of(16, 32, true, CacheSizes.DEFAULTS);
        if (System.getProperty("secateur.gemm.tile") == null) {
            assertEquals(8, wide.mr());
            assertEquals(32, wide.nr());
        }
    }

    @Test
    void blocksAreAsDeepAsAnABlockOfFourStripsAllows() {
        if (System.getProperty("secateur.gemm.tile") != null || System.getProperty("secateur.gemm.kc") != null
                || System.getProperty("secateur.gemm.mc") != null) return;
        // A Zen 4 or Zen 5 core (1 MiB L2): the row walk's A block, three eighths of L2, holds 96 × 1024 floats.
        GemmBlocking zen = GemmBlocking.of(16, 32, true, new CacheSizes(32 << 10, 1 << 20, 32L << 20, "test"));
        assertEquals(1024, zen.kc(), zen.toString());
        assertEquals(96, zen.mc(), zen.toString());
        // The column walk's A block is a sixteenth of L2: four strips of four rows at the deepest K block.
        GemmBlocking avx2 = GemmBlocking.of(8, 16, true, new CacheSizes(32 << 10, 1 << 20, 32L << 20, "test"));
        assertEquals(1024, avx2.kc(), avx2.toString());
        assertEquals(16, avx2.mc(), avx2.toString());
        // A small L2 (256 KiB) bounds the depth instead: 4 strips × 768 floats take three eighths of it.
        GemmBlocking smallL2 = GemmBlocking.of(16, 32, true, new CacheSizes(32 << 10, 256 << 10, 8L << 20, "test"));
        assertEquals(768, smallL2.kc(), smallL2.toString());
        assertEquals(32, smallL2.mc(), smallL2.toString());
    }

    @Test
    void cpuinfoGivesAmdL2AndIntelL3() {
        String zen5 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\ncache size\t: 1024 KB\n\n"
                + "processor\t: 1\nvendor_id\t: GenuineIntel\ncache size\t: 8 KB\n";
        CacheSizes amd = CacheSizes.fromCpuinfo(zen5);
        assertEquals(new CacheSizes(48 << 10, 1 << 20, CacheSizes.DEFAULTS.l3(), "cpuinfo"), amd);
        CacheSizes zen3 = CacheSizes.fromCpuinfo("vendor_id : AuthenticAMD\ncpu family : 25\ncache size : 512 KB\n");
        assertEquals(32 << 10, zen3.l1d());
        assertEquals(512 << 10, zen3.l2());
        CacheSizes intel = CacheSizes.fromCpuinfo("vendor_id\t: GenuineIntel\ncpu family\t: 6\ncache size\t: 36608 KB\n");
        assertEquals(new CacheSizes(CacheSizes.DEFAULTS.l1d(), CacheSizes.DEFAULTS.l2(), 36608L << 10, "cpuinfo"), intel);
        assertNull(CacheSizes.fromCpuinfo("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n"), "ARM lists no cache sizes");
        assertNull(CacheSizes.fromCpuinfo("vendor_id : GenuineIntel\ncache size : lots\n"));
        assertNull(CacheSizes.fromCpuinfo(""));
        assertNull(CacheSizes.fromCpuinfo(null));
    }

    @Test
    void cacheSizesParseWhatSysfsWrites() {
        assertEquals(48 << 10, CacheSizes.parseSize("48K"));
        assertEquals(2L << 20, CacheSizes.parseSize("2M"));
        assertEquals(1L << 30, CacheSizes.parseSize("1G"));
        assertEquals(512, CacheSizes.parseSize("512"));
        assertEquals(-1, CacheSizes.parseSize("lots"));
        assertEquals(-1, CacheSizes.parseSize(""));
        CacheSizes probed = CacheSizes.probe();
        assertTrue(probed.l1d() > 0 && probed.l2() > 0 && probed.l3() > 0);
    }

    @Test
    void theScalarFallbackMultipliesAndAdds() {
        assertEquals(7f, Fma.fma(2f, 3f, 1f));
        assertEquals(Math.fma(0.1f, 0.2f, 0.3f), Fma.fma(0.1f, 0.2f, 0.3f), 1e-7f);
    }
}
