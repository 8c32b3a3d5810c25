package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five asynchronous jobs ({@code POST /api/v1/jobs}, answered 202) are queued or running when the
 * server process is killed ({@code kill -9}); a new server on the same folders answers for each of
 * them (never 404): cancelled, "interrupted by a server restart", with the request kept, and that
 * request can be sent again as it is.
 */
class JobsSurviveACrashTest {

    @TempDir
    Path base;

    @Test
    @SuppressWarnings("unchecked")
    void everyAcceptedJobIsAccountedForAfterAKill() throws Exception {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> requests = new ArrayList<>();
        try (ServeProcess first = ServeProcess.start(base, Map.of(), List.of())) {
            E2e c = new E2e(first.port);
            for (int i = 0; i < 5; i++) {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("task", "custom_voice");
                request.put("input", "Job number " + i + " should not be lost.");
                request.put("model", "demo-custom-voice");
                request.put("voice", "ryan");
                // Random weights never stop by themselves: every job runs to this length, long enough to be cut off.
                request.put("max_new_tokens", 8192);
                request.put("seed", i);
                HttpResponse<byte[]> accepted = c.postJson("/api/v1/jobs", request);
                assertEquals(202, accepted.statusCode(), () -> E2e.text(accepted));
                ids.add((String) E2e.json(accepted).get("id"));
                requests.add(request);
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!"running".equals(E2e.json(c.get("/api/v1/jobs/" + ids.getFirst())).get("state"))) {
                assertTrue(System.nanoTime() < deadline, "the first job starts");
                E2e.sleep(20);
            }
            first.kill();
        }

        try (Q3ttsServer second = E2e.startServer(base)) {
            E2e c = new E2e(second.port());
            for (int i = 0; i < ids.size(); i++) {
                HttpResponse<byte[]> r = c.get("/api/v1/jobs/" + ids.get(i));
                assertEquals(200, r.statusCode(), () -> "never a 404: " + E2e.text(r));
                Map<String, Object> job = E2e.json(r);
                assertEquals("cancelled", job.get("state"), job.toString());
                Map<String, Object> error = (Map<String, Object>) job.get("error");
                assertEquals("CANCELLED", error.get("error_type"), error.toString());
                assertTrue(String.valueOf(error.get("error")).contains("Interrupted by a server restart"), error.toString());
                assertTrue(String.valueOf(error.get("error")).contains(i == 0 ? "was running" : "was queued"),
                        error.toString());
                assertEquals(requests.get(i), job.get("request"), "the request is kept as it was sent");
            }
            List<Object> listed = c.jobs().stream().map(j -> j.get("id")).toList();
            assertTrue(listed.containsAll(ids), "the job list shows them: " + listed);

            Map<String, Object> again = new LinkedHashMap<>((Map<String, Object>) E2e.json(c.get("/api/v1/jobs/" + ids.get(1)))
                    .get("request"));
            again.put("max_new_tokens", 8);
            HttpResponse<byte[]> rerun = c.postJson("/api/v1/jobs", again);
            assertEquals(202, rerun.statusCode(), () -> E2e.text(rerun));
            Map<String, Object> done = c.awaitEnd((String) E2e.json(rerun).get("id"));
            assertEquals("done", done.get("state"), done.toString());
        }
    }
}
