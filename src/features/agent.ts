/**
 * The agent: which provider runs the model, its model settings, its tools and how
 * threads get titles. Provider-specific code lives in the templates behind these flags.
 */
import type { Answers } from "../options/schema.js";
import type { Feature, FeatureContext } from "./types.js";

/** ModelSettings keyword arguments as Python source, in a fixed order. */
function modelSettings(answers: Answers): FeatureContext["modelSettings"] {
  const settings: FeatureContext["modelSettings"] = [];
  if (answers.temperature !== null) settings.push({ key: "temperature", literal: pythonFloat(answers.temperature) });
  if (answers.maxTokens !== null) settings.push({ key: "max_tokens", literal: String(answers.maxTokens) });
  const effortApplies = answers.provider === "openai" || answers.provider === "litellm";
  if (effortApplies && answers.reasoningEffort !== "default") {
    settings.push({ key: "reasoning", literal: `Reasoning(effort="${answers.reasoningEffort}")` });
  }
  return settings;
}

/** A float literal that Python reads back as the same number (1 -> "1.0"). */
function pythonFloat(value: number): string {
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export const agentFeature: Feature = {
  id: "agent",
  claims: ["app/tools.py", "tests/test_tools.py", "tests/test_titles.py", "app/client_tools.py", "tests/test_client_tools.py"],
  select(answers) {
    const tools = answers.tools === "none" ? [] : answers.tools.split(",");
    const settings = modelSettings(answers);
    const files = [];
    if (tools.includes("example")) files.push("app/tools.py", "tests/test_tools.py");
    if (tools.includes("client")) files.push("app/client_tools.py", "tests/test_client_tools.py");
    if (answers.titles !== "none") files.push("tests/test_titles.py");
    return {
      files,
      runtimeDependencies: answers.provider === "litellm" ? ["openai-agents[litellm]"] : [],
      context: {
        provider: {
          openai: answers.provider === "openai",
          openaiCompatible: answers.provider === "openai-compatible",
          litellm: answers.provider === "litellm",
        },
        modelSettings: settings,
        usesReasoning: settings.some((setting) => setting.key === "reasoning"),
        agentsImports: [
          "Agent",
          "Model",
          "ModelProvider",
          ...(settings.length > 0 ? ["ModelSettings"] : []),
          ...(answers.provider === "litellm" ? [] : ["OpenAIProvider"]),
          ...(tools.includes("web-search") ? ["WebSearchTool"] : []),
          ...(tools.includes("client") ? ["StopAtTools"] : []),
        ],
        tools: {
          any: tools.length > 0,
          example: tools.includes("example"),
          webSearch: tools.includes("web-search"),
          widget: tools.includes("widget"),
          client: tools.includes("client"),
        },
        titles: {
          any: answers.titles !== "none",
          firstMessage: answers.titles === "first-message",
          model: answers.titles === "model",
        },
      },
    };
  },
};
