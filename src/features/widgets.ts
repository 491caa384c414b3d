/**
 * Widgets and their actions (`--tools widget`): an example tool that shows a widget, and the
 * handlers for the widget's buttons. app/actions.py, the dispatcher the server hands every
 * action to, is generated in every project, so an action is always answered clearly.
 */
import type { Feature } from "./types.js";

const WIDGET_FILES = [
  "app/widgets/__init__.py",
  "app/widgets/counter.py",
  "app/widgets/counter.widget",
  "tests/test_widgets.py",
];

export const widgetsFeature: Feature = {
  id: "widgets",
  claims: WIDGET_FILES,
  select: (answers) => ({ files: answers.tools.split(",").includes("widget") ? WIDGET_FILES : [] }),
};
