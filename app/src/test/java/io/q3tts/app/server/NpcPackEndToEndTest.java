package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NPC pack pipeline through a real server and engine on the demo bundles (VoiceDesign, Base,
 * CustomVoice): a CSV pack in, the zip and manifests out with engine-friendly names; and a run cut
 * off by a shutdown that a new server finishes without designing the voice or speaking finished
 * lines again, with the same audio as an uninterrupted run.
 */
class NpcPackEndToEndTest {

    private static final String LINES_CSV = "character,line_id,text,emotion\r\n"
            + "Town Guard,GREET 01,\"Halt, stranger!\",angry\r\n"
            + "narrator,intro,The square was busy.,calm\r\n"
            + "hero,greet_01,Hello there.,\r\n"
            + "Town Guard,warn-02,Move along.,\r\n";
    private static final String CHARACTERS_CSV = "character,description,voice,language\n"
            + "Town Guard,\"A gruff old man, deep voice\",,english\n"
            + "narrator,,ryan,english\n";

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static E2e client;

    @BeforeAll
    static void start() {
        server = E2e.startServer(dir);
        client = new E2e(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static int wavSamples(byte[] wav) {
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(24_000, ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(24));
        return (wav.length - 44) / 2;
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenACsvPack_whenGenerated_thenTheZipAndManifestsHoldEveryLineUnderItsEngineFriendlyName() throws IOException {
        String hero = client.saveFixtureVoice("Hero voice");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input", LINES_CSV);
        fields.put("characters", CHARACTERS_CSV + "hero,,saved:" + hero + ",english\n");
        fields.put("max_new_tokens", "8");
        fields.put("seed", "5");
        fields.put("target_lufs", "-20");
        String job = E2e.submitted(client.postMultipart("/plugins/npc-pack/jobs", fields));
        Map<String, Object> end = client.awaitEnd(job);
        assertEquals("npc-pack", end.get("pipeline"));
        assertEquals(5, ((Number) ((Map<String, Object>) end.get("progress")).get("steps")).intValue(),
                "one design and four lines");
        Map<String, Object> out = client.output(end);

        List<String> names = List.of("town_guard/greet_01.wav", "narrator/intro.wav", "hero/greet_01.wav",
                "town_guard/warn-02.wav");
        List<String> listed = ((List<Map<String, Object>>) out.get("files")).stream().map(f -> (String) f.get("path")).toList();
        List<String> expected = new ArrayList<>(names);
        expected.addAll(List.of("manifest.json", "manifest.csv", "pack.zip"));
        assertEquals(expected.stream().sorted().toList(), listed.stream().sorted().toList());
        Map<String, byte[]> zip = unzip(client.file(out, "pack.zip"));
        List<String> inZip = new ArrayList<>(names);
        inZip.addAll(List.of("manifest.json", "manifest.csv"));
        assertEquals(inZip, List.copyOf(zip.keySet()));

        Map<String, Object> manifest = E2e.json(client.file(out, "manifest.json"));
        List<Map<String, Object>> lines = (List<Map<String, Object>>) manifest.get("lines");
        assertEquals(names, lines.stream().map(l -> (String) l.get("file")).toList());
        String designed = (String) lines.get(0).get("voice");
        assertTrue(designed.startsWith("saved:npc-"), designed);
        assertEquals(designed, lines.get(3).get("voice"), "both guard lines are cloned from the one designed voice");
        assertEquals("ryan", lines.get(1).get("voice"));
        assertEquals("calm", lines.get(1).get("instruct"));
        assertEquals("saved:" + hero, lines.get(2).get("voice"));
        for (Map<String, Object> l : lines) {
            byte[] wav = zip.get((String) l.get("file"));
            assertArrayEquals(wav, client.file(out, (String) l.get("file")));
            assertEquals(((Number) l.get("duration")).doubleValue() * 24_000, wavSamples(wav), 1.0);
            assertTrue(l.get("seed") instanceof Number && ((Number) l.get("attempts")).intValue() >= 1, l.toString());
        }
        String csv = new String(zip.get("manifest.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("file,character,line_id,text,emotion,instruct,duration,voice,seed,attempts,runaway,loudness_lufs\r\n"
                + "town_guard/greet_01.wav,town_guard,greet_01,\"Halt, stranger!\",angry,,"), csv);
        assertTrue(E2e.text(client.get("/api/v1/voices")).contains(designed.substring("saved:".length())),
                "the designed voice stays in the library for later use");
    }

    @Test
    void givenABadPack_whenSubmitted_thenA400NamesTheFieldAndTheRow() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input", "character,line_id,text\nnarrator,a,Hi\nnobody,b,Ho\n");
        fields.put("characters", "character,voice\nnarrator,ryan\n");
        HttpResponse<byte[]> r = client.postMultipart("/plugins/npc-pack/jobs", fields);
        assertEquals(400, r.statusCode(), () -> E2e.text(r));
        Map<String, Object> body = E2e.json(r);
        assertEquals("input", body.get("field"));
        assertTrue(((String) body.get("error")).contains("input line 3"), body.toString());

        fields.put("input", "character,line_id,text\nnarrator,../x,Hi\n");
        HttpResponse<byte[]> unsafe = client.postMultipart("/plugins/npc-pack/jobs", fields);
        assertEquals(400, unsafe.statusCode(), () -> E2e.text(unsafe));

        fields.put("input", "character,line_id,text\nnarrator,a,Hi\n");
        fields.put("characters", "character,voice\nnarrator,nobody_speaks_like_this\n");
        HttpResponse<byte[]> speaker = client.postMultipart("/plugins/npc-pack/jobs", fields);
        assertEquals(400, speaker.statusCode(), () -> E2e.text(speaker));
        assertEquals("characters", E2e.json(speaker).get("field"));
    }

    @Test
    void thePageRendersWithItsForm() {
        HttpResponse<byte[]> r = client.get("/tasks/npc-pack");
        assertEquals(200, r.statusCode(), () -> E2e.text(r));
        assertTrue(E2e.text(r).contains("id=\"npc-form\""), E2e.text(r));
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenAPackCutOffByAShutdown_whenANewServerStarts_thenFinishedLinesAndTheDesignAreNotRedone(
            @TempDir Path other) throws IOException {
        List<Map<String, Object>> packLines = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            packLines.add(Map.of("character", i % 3 == 0 ? "narrator" : "guard", "id", "line_" + i,
                    "text", "This is line number " + i + "."));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("characters", List.of(
                Map.of("id", "guard", "description", "A gruff old man with a deep voice", "language", "english"),
                Map.of("id", "narrator", "voice", "ryan")));
        body.put("lines", packLines);
        body.put("max_new_tokens", 16);
        body.put("seed", 11);

        E2e.CutOff cut = E2e.submitThenShutDown(other, "/plugins/npc-pack/jobs", body, 3, Duration.ofSeconds(90));
        String job = cut.job();
        int doneBeforeCut = cut.stepsDone();
        assertTrue(doneBeforeCut >= 3 && doneBeforeCut < 10, "cut off part-way, after the design: " + doneBeforeCut);

        Q3ttsServer second = E2e.startUnbatchedServer(other);
        try {
            E2e c = new E2e(second.port());
            Map<String, Object> out = c.output(c.awaitEnd(job));
            List<Map<String, Object>> jobs = c.jobs();
            long designs = jobs.stream().filter(j -> "design_then_clone".equals(j.get("kind"))).count();
            long spoken = jobs.stream().filter(j -> List.of("voice_clone", "custom_voice").contains(j.get("kind"))).count();
            assertEquals(0, designs, "the designed voice was checkpointed, not designed again");
            int linesDone = doneBeforeCut - 1;
            assertTrue(spoken <= 9 - linesDone, "only unfinished lines were spoken: " + spoken + " after " + linesDone + " done");

            Map<String, Object> fresh = c.output(c.awaitEnd(
                    E2e.submitted(c.postJson("/plugins/npc-pack/jobs", body))));
            List<Map<String, Object>> a = (List<Map<String, Object>>) E2e.json(c.file(out, "manifest.json")).get("lines");
            List<Map<String, Object>> b = (List<Map<String, Object>>) E2e.json(c.file(fresh, "manifest.json")).get("lines");
            assertEquals(9, a.size());
            for (int i = 0; i < 9; i++) {
                String file = (String) a.get(i).get("file");
                assertEquals(file, b.get(i).get("file"));
                assertEquals(a.get(i).get("seed"), b.get(i).get("seed"));
                assertArrayEquals(c.file(fresh, file), c.file(out, file),
                        "the resumed run's " + file + " is the same as an uninterrupted run's");
            }
        } finally {
            second.close();
        }
    }
}
