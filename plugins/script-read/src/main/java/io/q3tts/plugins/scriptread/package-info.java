/**
 * The script / table-read task plugin: speaks a script line by line with one voice per speaker and
 * mixes the lines into one track. Input formats ("NAME: line" text, CSV/TSV, JSON, basic Fountain)
 * are parsed by {@link io.q3tts.plugins.scriptread.ScriptParser} into
 * {@link io.q3tts.plugins.scriptread.ScriptLine}s; {@link io.q3tts.plugins.scriptread.VoicePlan}
 * maps speakers to preset, saved or designed voices; {@link io.q3tts.plugins.scriptread.Mixer}
 * places the lines one after another with their pauses. The plugin runs as a pipeline job with a
 * checkpoint per designed voice and per line. Routes: {@code POST /plugins/script-read/jobs} and
 * {@code POST /plugins/script-read/preview}.
 */
package io.q3tts.plugins.scriptread;
