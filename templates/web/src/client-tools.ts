/** The browser's side of the server's client tools (app/client_tools.py). */
type ClientTool = (params: Record<string, unknown>) => Record<string, unknown>;

const handlers: Record<string, ClientTool> = {
  // The text the user has selected on this page.
  get_page_selection: () => ({ text: window.getSelection()?.toString() ?? "" }),
};

export function runClientTool(enabled: readonly string[], call: { name: string; params: Record<string, unknown> }) {
  const handler = handlers[call.name];
  if (!enabled.includes(call.name) || handler === undefined) {
    throw new Error(`This page has no handler for the client tool ${call.name}.`);
  }
  return handler(call.params);
}
