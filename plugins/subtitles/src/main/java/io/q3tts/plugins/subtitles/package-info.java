/**
 * The subtitles task plugin: parses SRT and WebVTT files ({@link io.q3tts.plugins.subtitles.SubtitleParser}),
 * speaks every cue with the voice mapped to its speaker, fits each cue into its time window by
 * time-stretching ({@link io.q3tts.plugins.subtitles.SubtitleRenderer}) and returns one sample-exact
 * 24 kHz track with a per-cue report ({@code POST /plugins/subtitles/render}).
 */
package io.q3tts.plugins.subtitles;
