package dev.chatserver.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing with Jazzer (issue #9) of the four {@link FuzzTargets}. In a normal test run
 * (regression mode) each method runs its stored inputs from
 * {@code src/test/resources/dev/chatserver/fuzz/JazzerFuzzTestInputs/<method>/} plus an empty input; with
 * {@code JAZZER_FUZZ=1} one method is fuzzed for {@code maxDuration}, e.g.
 * {@code JAZZER_FUZZ=1 mvn -DskipNpm=true test -Dtest='JazzerFuzzTest#packet'} (README, Operations). Crashes
 * found are written to that inputs directory and replay in every later run.
 */
class JazzerFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void packet(byte[] data) {
        FuzzTargets.packet(data);
    }

    @FuzzTest(maxDuration = "2m")
    void payload(byte[] data) {
        FuzzTargets.payload(data);
    }

    @FuzzTest(maxDuration = "2m")
    void multipart(byte[] data) {
        FuzzTargets.multipart(data);
    }

    @FuzzTest(maxDuration = "2m")
    void passwordHash(byte[] data) {
        FuzzTargets.passwordHash(data);
    }
}
