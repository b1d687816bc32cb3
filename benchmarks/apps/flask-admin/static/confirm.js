// Benchmark harness workaround: Playwright dismisses native confirm() dialogs and no flow
// step can accept one, so Flask-Admin's "Are you sure?" prompts are answered yes here.
window.confirm = function () { return true; };
