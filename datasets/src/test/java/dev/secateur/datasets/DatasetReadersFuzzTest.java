package dev.secateur.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the IDX and CIFAR-10 readers. Every input either reads or throws
 * {@link DatasetFormatException}; any other exception, an out-of-memory error or an input taking
 * more than the timeout is a failure. The normal build replays the committed corpus
 * ({@code DatasetReadersFuzzTestInputs/<method>/}); {@code JAZZER_FUZZ=1} fuzzes (RELIABILITY.md).
 */
class DatasetReadersFuzzTest {

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void idxImages(byte[] data) throws Exception {
        try {
            ImageBytes images = IdxReader.readImages(new ByteArrayInputStream(data), "fuzz.idx", data.length);
            if (images.count() <= 0) throw new AssertionError("an image file read as " + images.count() + " images");
        } catch (DatasetFormatException expected) {
            // the documented refusal
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void idxLabels(byte[] data) throws Exception {
        try {
            int[] labels = IdxReader.readLabels(new ByteArrayInputStream(data), "fuzz.idx", data.length, 10);
            for (int l : labels) if (l < 0 || l >= 10) throw new AssertionError("label " + l + " accepted");
        } catch (DatasetFormatException expected) {
            // the documented refusal
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void cifar(byte[] data) throws Exception {
        try {
            LabeledImages read = CifarReader.read(new ByteArrayInputStream(data), "fuzz.bin", data.length, 10);
            for (int l : read.labels()) if (l < 0 || l >= 10) throw new AssertionError("label " + l + " accepted");
        } catch (DatasetFormatException expected) {
            // the documented refusal
        }
    }
}
