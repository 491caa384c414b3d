/** Dictation (`--dictation on`): input.transcribe through the provider's speech-to-text API. */
import type { Feature } from "./types.js";

// Speech-to-text models per provider; CHATKIT_TRANSCRIPTION_MODEL overrides them.
const TRANSCRIPTION_MODELS: Readonly<Record<string, string>> = {
  openai: "gpt-4o-mini-transcribe",
  "openai-compatible": "whisper-1",
  // LiteLLM names the vendor first, as for chat models.
  litellm: "openai/gpt-4o-mini-transcribe",
};

export const dictationFeature: Feature = {
  id: "dictation",
  claims: ["app/dictation.py", "tests/test_dictation.py", "tests/speech_api.py", "tests/test_dictation_off.py"],
  select: (answers) => ({
    files:
      answers.dictation === "on"
        ? ["app/dictation.py", "tests/test_dictation.py", "tests/speech_api.py"]
        : ["tests/test_dictation_off.py"],
    context: {
      dictation: answers.dictation === "on",
      dictationModel: TRANSCRIPTION_MODELS[answers.provider] ?? "whisper-1",
    },
  }),
};
