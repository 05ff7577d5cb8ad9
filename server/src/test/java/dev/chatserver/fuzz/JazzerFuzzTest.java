package dev.chatserver.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing with Jazzer (issue #9) of the four {@link FuzzTargets}. In a normal test run
 * (regression mode) each method runs its stored inputs from
 * {@code src/test/resources/dev/chatserver/fuzz/JazzerFuzzTestInputs/<method>/} plus an empty input; with
 * {@code JAZZER_FUZZ=1} one method is fuzzed for {@code maxDuration}, e.g.
 * {@code JAZZER_FUZZ=1 mvn -DskipNpm=true test -Dtest='JazzerFuzzTest#packet' -Dsurefire.excludedGroups=none} (README, Operations). Crashes
 * found are moved to that inputs directory; {@link MutationFuzzTest} replays them in every CI run.
 *
 * <p>Tagged {@code jazzer} and excluded from the default run: Jazzer installs its agent into the test JVM even in
 * regression mode, and the classes it instruments afterwards lose their parameter names, which broke Jdbi's record
 * mapping in every later test of the same JVM. Run it alone: {@code -Dtest=JazzerFuzzTest -Dsurefire.excludedGroups=none}.
 */
@Tag("jazzer")
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
