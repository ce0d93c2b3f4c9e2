package dev.secateur.bench.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class PrintableTest {
    @Test
    void controlCharactersFromAFileAreShownEscaped() {
        assertEquals("lenet5 \\u001b[31mred\\u001b[0m\\u000d\\u000aerror: fake", Printable.of("lenet5 \u001b[31mred\u001b[0m\r\nerror: fake"));
        assertEquals("bell\\u0007 and \\u2028", Printable.of("bell\u0007 and \u2028"));
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "conv1 (Conv2d), Fashion-MNIST — 91.25%";
        assertSame(s, Printable.of(s));
        assertEquals(null, Printable.of(null));
    }
}
