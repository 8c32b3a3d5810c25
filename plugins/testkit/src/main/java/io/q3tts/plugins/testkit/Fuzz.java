package io.q3tts.plugins.testkit;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A small fuzzer for plugin parsers: random inputs built from a format's own tokens, and mutations
 * of real inputs (insertions, deletions, duplicated stretches, long runs of one token, cut-offs).
 * A parser passes when every input either parses or is refused with an
 * {@link InvalidArgumentException} (a 4xx), and no input takes longer than the time allowed. The
 * inputs are reproducible from the seed, and a failure names the input's number and start.
 */
public final class Fuzz {

    private final long seed;
    private final List<String> corpus;
    private final List<String> tokens;
    private long maxNanos = 1_000_000_000L;
    private int maxRun = 50_000;

    /**
     * @param seed the random seed (the same seed gives the same inputs)
     * @param corpus real inputs to mutate, at least one
     * @param tokens the format's meaningful pieces (delimiters, markers, tags), at least one
     */
    public Fuzz(long seed, List<String> corpus, List<String> tokens) {
        if (corpus.isEmpty() || tokens.isEmpty()) {
            throw new IllegalArgumentException("a fuzzer needs a corpus and tokens");
        }
        this.seed = seed;
        this.corpus = List.copyOf(corpus);
        this.tokens = List.copyOf(tokens);
    }

    /**
     * @param millis the longest one input may take
     * @return this
     */
    public Fuzz maxMillisPerInput(long millis) {
        this.maxNanos = millis * 1_000_000L;
        return this;
    }

    /**
     * @param length the longest run of one token inserted by a mutation, in characters
     * @return this
     */
    public Fuzz maxRun(int length) {
        this.maxRun = length;
        return this;
    }

    /**
     * @param count how many inputs
     * @return the inputs: first each token repeated into a long run, then random and mutated inputs
     */
    public List<String> inputs(int count) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (String t : tokens) {
            out.add(t.repeat(Math.max(1, maxRun / Math.max(1, t.length()))));
        }
        while (out.size() < count) {
            out.add(random.nextInt(3) == 0 ? randomInput(random) : mutate(corpus.get(random.nextInt(corpus.size())), random));
        }
        return out;
    }

    /**
     * Parses every input and fails (an {@link AssertionError}) on the first that throws anything
     * but {@link InvalidArgumentException} or takes longer than allowed.
     *
     * @param count how many inputs
     * @param parser the parser under test
     */
    public void run(int count, Consumer<String> parser) {
        List<String> inputs = inputs(count);
        for (int i = 0; i < inputs.size(); i++) {
            long took = timed(i, inputs.get(i), parser);
            if (took > maxNanos) {
                // A slow input is timed again, so a pause of the machine (GC, a busy CPU, the JIT) is not taken
                // for a slow parser; an input that is slow twice is.
                took = Math.min(took, timed(i, inputs.get(i), parser));
            }
            if (took > maxNanos) {
                throw new AssertionError("input " + i + " (seed " + seed + ", " + inputs.get(i).length() + " chars) took "
                        + took / 1_000_000 + " ms: " + show(inputs.get(i)));
            }
        }
    }

    private long timed(int i, String input, Consumer<String> parser) {
        long t0 = System.nanoTime();
        try {
            parser.accept(input);
        } catch (InvalidArgumentException e) {
            if (e.field() == null || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("input " + i + " was refused without a field or a message: " + show(input), e);
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("input " + i + " (seed " + seed + ") threw " + e + ": " + show(input), e);
        }
        return System.nanoTime() - t0;
    }

    private String randomInput(Random random) {
        StringBuilder b = new StringBuilder();
        int pieces = 1 + random.nextInt(200);
        for (int i = 0; i < pieces; i++) {
            int pick = random.nextInt(10);
            if (pick < 6) {
                b.append(tokens.get(random.nextInt(tokens.size())));
            } else if (pick < 9) {
                b.append(randomWord(random));
            } else {
                b.appendCodePoint(randomCodePoint(random));
            }
        }
        return b.toString();
    }

    private String mutate(String original, Random random) {
        StringBuilder b = new StringBuilder(original);
        int operations = 1 + random.nextInt(8);
        for (int k = 0; k < operations; k++) {
            int at = b.isEmpty() ? 0 : random.nextInt(b.length() + 1);
            switch (random.nextInt(7)) {
                case 0 -> b.insert(at, tokens.get(random.nextInt(tokens.size())));
                case 1 -> {
                    int end = Math.min(b.length(), at + random.nextInt(40));
                    b.delete(at, end);
                }
                case 2 -> {
                    int end = Math.min(b.length(), at + 1 + random.nextInt(200));
                    String stretch = b.substring(at, end);
                    b.insert(at, stretch.repeat(1 + random.nextInt(20)));
                }
                case 3 -> {
                    String t = tokens.get(random.nextInt(tokens.size()));
                    b.insert(at, t.repeat(1 + random.nextInt(Math.max(1, maxRun / Math.max(1, t.length())))));
                }
                case 4 -> b.setLength(at);
                case 5 -> b.insert(at, new StringBuilder().appendCodePoint(randomCodePoint(random)));
                default -> b.insert(at, randomWord(random));
            }
        }
        return b.toString();
    }

    private static String randomWord(Random random) {
        String[] words = {"the", "A", "NAME", "x", "12", "3.5", "Đino", "漢字", "かな", "é", " ", "\t", "\n", "\r\n", "\r"};
        return words[random.nextInt(words.length)];
    }

    private static int randomCodePoint(Random random) {
        int[] ranges = {0x20, 0x7F, 0xA0, 0x3000, 0xFFFD, 0x1F600};
        int base = ranges[random.nextInt(ranges.length)];
        int cp = base + random.nextInt(96);
        return Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF) ? cp : 'x';
    }

    private static String show(String input) {
        String t = input.length() <= 200 ? input : input.substring(0, 200) + "... (" + input.length() + " chars)";
        return t.replace("\n", "\\n").replace("\r", "\\r");
    }
}
