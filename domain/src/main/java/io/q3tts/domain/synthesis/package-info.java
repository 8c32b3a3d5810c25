/**
 * Speech synthesis: {@link io.q3tts.domain.synthesis.SynthesisJobRunner} is what a synthesis job
 * does (validate, lease the model, synthesize, store; design-then-clone);
 * {@link io.q3tts.domain.synthesis.SynthesisService} implements the blocking synthesis use cases on
 * top of the job service.
 */
package io.q3tts.domain.synthesis;
