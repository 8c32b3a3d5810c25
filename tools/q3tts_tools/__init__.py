"""q3tts tools: export official Qwen3-TTS checkpoints to q3tts ONNX bundles, and build the
random-weight reference checkpoints and fixtures that prove the Java engine's parity."""
