/**
 * The NPC pack generator pipeline: a cast of characters (each a voice description, a library voice
 * or a preset speaker) and their lines, read from JSON or CSV, spoken as one resumable pipeline job
 * and delivered as a zip of engine-friendly files ({@code {character}/{line_id}.wav}) with JSON and
 * CSV manifests. A described character is designed once (design-then-clone) and every one of its
 * lines is cloned from that saved voice, so it sounds the same across the pack.
 *
 * <p>{@link io.q3tts.plugins.npcpack.PackParser} validates the input (every error names the row or
 * array entry), {@link io.q3tts.plugins.npcpack.PackWork} runs the steps with a checkpoint per
 * designed voice and per line, and {@link io.q3tts.plugins.npcpack.Packer} builds the files.
 */
package io.q3tts.plugins.npcpack;
