// Run by OpenAiNodeClientTest: the official openai client against a q3tts server at Q3TTS_BASE_URL.
import OpenAI from 'openai';

// Q3TTS_API_KEY: the server's key when it has auth.api_keys (sent as Authorization: Bearer, as always).
const apiKey = process.env.Q3TTS_API_KEY || 'not-needed';
const client = new OpenAI({ baseURL: `${process.env.Q3TTS_BASE_URL}/v1`, apiKey, maxRetries: 0 });

function check(condition, message) {
  if (!condition) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
}

const wav = await client.audio.speech.create({
  model: 'tts-1', voice: 'vivian', input: 'Hello from the OpenAI client.', response_format: 'wav',
});
const wavBytes = Buffer.from(await wav.arrayBuffer());
check(wavBytes.length > 44, `wav too short: ${wavBytes.length}`);
check(wavBytes.subarray(0, 4).toString('ascii') === 'RIFF', 'wav does not start with RIFF');

const pcm = await client.audio.speech.create({
  model: 'demo-custom-voice', voice: 'ryan', input: 'Streaming.', response_format: 'pcm', stream: true,
});
let streamed = 0;
for await (const chunk of pcm.body) {
  streamed += chunk.length;
}
check(streamed > 0, 'no streamed bytes');

const models = await client.models.list();
check(models.data.some((m) => m.id === 'demo-custom-voice'), 'models.list misses demo-custom-voice');

try {
  await client.audio.speech.create({ model: 'tts-1', voice: 'nobody', input: 'Hi', response_format: 'wav' });
  check(false, 'an unknown voice was accepted');
} catch (e) {
  check(e instanceof OpenAI.APIError, `not an APIError: ${e}`);
  check(e.status === 404, `status ${e.status}`);
  check(e.param === 'voice', `param ${e.param}`);
}

if (process.env.Q3TTS_API_KEY) {
  const stranger = new OpenAI({ baseURL: `${process.env.Q3TTS_BASE_URL}/v1`, apiKey: 'wrong-key-0123456789', maxRetries: 0 });
  try {
    await stranger.models.list();
    check(false, 'a wrong key was accepted');
  } catch (e) {
    check(e instanceof OpenAI.AuthenticationError, `not an AuthenticationError: ${e}`);
    check(e.status === 401, `status ${e.status}`);
  }
}

console.log(`OK wav=${wavBytes.length} streamed=${streamed}`);
