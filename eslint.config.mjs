// The blocks' JavaScript (no build step: plain scripts the LMS loads), checked by `make quality`.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["mentoring_xblock/static/js/*.js"],
    languageOptions: {
      ecmaVersion: 2018,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      // The blocks' init functions are globals the XBlock runtime calls by name (js_class).
      "no-unused-vars": ["error", { varsIgnorePattern: "^Mentoring", caughtErrors: "none" }],
      "eqeqeq": "error",
      "no-var": "off",
      "strict": ["error", "function"],
    },
  },
];
