/* The pair workspace in the program block: loaded into .mentoring-workspace-root by the workspace handlers.
 *
 * window.MentoringWorkspace.init(runtime, element) wires one program block: clicks on [data-workspace]
 * buttons fetch workspace_view, inject the server-rendered HTML, and every form inside posts to its
 * handler (data-ws-handler), then the workspace is fetched again. Uses window.MentoringXBlock only.
 */
(function (global) {
    'use strict';

    function init(runtime, element) {
        var M = global.MentoringXBlock;
        var root = M.rootOf(element);
        if (!root || root.getAttribute('data-ws-ready')) { return; }
        root.setAttribute('data-ws-ready', 'true');
        var gettext = M.gettext;
        var target = root.querySelector('.mentoring-workspace-root');
        if (!target) { return; }
        var current = {matchId: null, page: 1, pastPage: 1, opener: null};

        function openers() { return root.querySelectorAll('[data-workspace]'); }

        function setExpanded(matchId) {
            openers().forEach(function (button) {
                var mine = matchId !== null && String(matchId) === button.getAttribute('data-workspace');
                button.setAttribute('aria-expanded', mine ? 'true' : 'false');
            });
        }

        /* Fetch and show the workspace; ``focusSelector`` says what gets focus afterwards. */
        function load(focusSelector, message) {
            return M.call(runtime, root, 'workspace_view', {
                match_id: current.matchId, page: current.page, past_page: current.pastPage
            }).then(function (result) {
                if (!result.ok) {
                    M.announce(root, result.body.error || gettext('The workspace could not be loaded.'));
                    return false;
                }
                target.innerHTML = result.body.html;
                target.hidden = false;
                setExpanded(current.matchId);
                wire();
                var focus = focusSelector && target.querySelector(focusSelector);
                (focus || target.querySelector('.ws-title')).focus();
                if (message) { M.announce(root, message); }
                return true;
            });
        }

        function open(button) {
            current = {matchId: parseInt(button.getAttribute('data-workspace'), 10), page: 1, pastPage: 1,
                       opener: button};
            button.disabled = true;
            load(null, gettext('The workspace is open.')).then(function () { button.disabled = false; });
        }

        function close() {
            target.hidden = true;
            target.innerHTML = '';
            setExpanded(null);
            if (current.opener) { current.opener.focus(); }
            current.matchId = null;
            M.announce(root, gettext('The workspace is closed.'));
        }

        function value(input) {
            var type = input.getAttribute('data-type');
            if (type === 'int') {
                var number = parseInt(input.value, 10);
                return isNaN(number) ? null : number;
            }
            if (type === 'bool') { return input.value === 'true'; }
            return input.value;
        }

        function collect(form) {
            var data = {match_id: current.matchId};
            form.querySelectorAll('input[name], textarea[name], select[name]').forEach(function (input) {
                if ((input.type === 'radio' || input.type === 'checkbox') && !input.checked) { return; }
                data[input.name] = value(input);
            });
            return data;
        }

        /* The section holding ``form``: after a write, focus returns to its heading. */
        function sectionHeading(form) {
            var section = form.closest('.ws-section');
            return section ? '#' + section.id + ' h4' : null;
        }

        function submit(form, event) {
            event.preventDefault();
            var confirmText = form.getAttribute('data-ws-confirm');
            if (confirmText && !global.confirm(confirmText)) { return; }
            var buttons = form.querySelectorAll('button');
            buttons.forEach(function (button) { button.disabled = true; });
            M.call(runtime, root, form.getAttribute('data-ws-handler'), collect(form)).then(function (result) {
                if (result.ok) {
                    var heading = sectionHeading(form);
                    load(heading, form.getAttribute('data-ws-success') || gettext('Saved.'));
                    return;
                }
                buttons.forEach(function (button) { button.disabled = false; });
                M.showErrors(form, result.body, root);
            });
        }

        function wire() {
            target.querySelectorAll('form[data-ws-handler]').forEach(function (form) {
                form.addEventListener('submit', function (event) { submit(form, event); });
            });
            target.querySelectorAll('[data-ws-close]').forEach(function (button) {
                button.addEventListener('click', close);
            });
            target.querySelectorAll('[data-ws-page]').forEach(function (button) {
                button.addEventListener('click', function () {
                    current.page = parseInt(button.getAttribute('data-ws-page'), 10) || 1;
                    load('[id$="-messages-h"]', gettext('Another page of messages is shown.'));
                });
            });
            target.querySelectorAll('[data-ws-past-page]').forEach(function (button) {
                button.addEventListener('click', function () {
                    current.pastPage = parseInt(button.getAttribute('data-ws-past-page'), 10) || 1;
                    load('[id$="-meetings-h"]', gettext('Another page of meetings is shown.'));
                });
            });
        }

        // Delegated, so that buttons added later (the coordinator's pair health tab) open it too.
        root.addEventListener('click', function (event) {
            var button = event.target.closest('[data-workspace]');
            if (!button || !root.contains(button)) { return; }
            if (button.getAttribute('aria-expanded') === 'true') { close(); } else { open(button); }
        });
        target.addEventListener('keydown', function (event) {
            if (event.key === 'Escape' && !event.target.closest('textarea, input, select')) { close(); }
        });
    }

    global.MentoringWorkspace = {init: init};
}(window));
