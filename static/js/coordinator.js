/* The coordinator's cockpit inside the program block: tabs, filters, pages and actions without page reloads. */
(function (global) {
    'use strict';

    function init(runtime, root) {
        var M = global.MentoringXBlock;
        var gettext = M.gettext;
        var section = root.querySelector('.mentoring-coordinator');
        if (!section) { return; }
        var region = section.querySelector('.mentoring-coord-region');
        var current = {tab: 'overview', page: 1};
        var pollTimer = null;

        function typed(input) {
            var type = input.getAttribute('data-type');
            var raw = input.value;
            if (input.type === 'checkbox') { return input.checked; }
            if (type === 'int') { return parseInt(raw, 10); }
            if (type === 'bool') { return raw === 'true'; }
            if (type === 'float-or-null') { return raw === '' ? null : parseFloat(raw); }
            if (type === 'int-or-null') { return raw === '' ? null : parseInt(raw, 10); }
            if (type === 'int-list') { return raw.split(',').map(function (v) { return parseInt(v, 10); }); }
            if (type === 'float') { return parseFloat(raw); }
            return raw;
        }

        function collect(form) {
            var data = {};
            form.querySelectorAll('input[name], select[name], textarea[name]').forEach(function (input) {
                if (input.type === 'radio' && !input.checked) { return; }
                var parts = input.name.split('.');
                if (parts.length === 2) {  // "criteria.topics" -> {criteria: {topics: ...}}
                    data[parts[0]] = data[parts[0]] || {};
                    data[parts[0]][parts[1]] = typed(input);
                } else {
                    data[input.name] = typed(input);
                }
            });
            return data;
        }

        function load(params, focus) {
            current = params;
            return M.call(runtime, root, 'coordinator_panel', params).then(function (result) {
                if (!result.ok) {
                    M.announce(root, result.body.error || gettext('Something went wrong. Please try again.'));
                    return;
                }
                region.innerHTML = result.body.html;
                bind();
                if (focus) {
                    var title = region.querySelector('.mentoring-tab-title');
                    if (title) { title.focus(); }
                }
            });
        }

        function pollRun() {
            var marker = region.querySelector('[data-run-progress]');
            if (!marker) { return; }
            var runId = parseInt(marker.getAttribute('data-run-progress'), 10);
            pollTimer = global.setTimeout(function () {
                M.call(runtime, root, 'run_status', {run_id: runId}).then(function (result) {
                    if (result.ok && !result.body.stalled &&
                            (result.body.state === 'queued' || result.body.state === 'running')) {
                        marker.textContent = gettext('Working…') + ' ' + result.body.progress + '%';
                        pollRun();
                    } else {
                        M.announce(root, gettext('The matching run has finished.'));
                        load({tab: 'matching', page: 1, run_id: runId});
                    }
                });
            }, 1500);
        }

        function pollExport(link, jobId) {
            global.setTimeout(function () {
                M.call(runtime, root, 'export_status', {job_id: jobId}).then(function (result) {
                    if (result.ok && result.body.state === 'queued') { pollExport(link, jobId); return; }
                    if (!result.ok || result.body.state !== 'ready') {
                        M.announce(root, (result.ok && result.body.error) ||
                            gettext('The export failed. Please try again later.'));
                        return;
                    }
                    var ready = document.createElement('a');
                    ready.href = runtime.handlerUrl(M.rootOf(root), 'export_download', '', 'job_id=' + jobId);
                    ready.setAttribute('download', '');
                    ready.textContent = gettext('Download the prepared export');
                    link.parentNode.appendChild(document.createTextNode(' '));
                    link.parentNode.appendChild(ready);
                    M.announce(root, gettext('Your export is ready to download.'));
                });
            }, 2000);
        }

        // On a phone each table row becomes a card (css/mentoring.css): every cell says which column it is.
        function labelTables() {
            region.querySelectorAll('table.mentoring-table').forEach(function (table) {
                var heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) {
                    return th.textContent.trim();
                });
                table.querySelectorAll('tbody tr').forEach(function (row) {
                    Array.prototype.forEach.call(row.children, function (cell, index) {
                        if (heads[index] && !cell.hasAttribute('colspan')) { cell.setAttribute('data-label', heads[index]); }
                    });
                });
            });
        }

        function bind() {
            if (pollTimer) { global.clearTimeout(pollTimer); pollTimer = null; }
            labelTables();
            region.querySelectorAll('[data-tab-name]').forEach(function (button) {
                button.addEventListener('click', function () {
                    load({tab: button.getAttribute('data-tab-name'), page: 1}, true);
                });
            });
            region.querySelectorAll('form[data-filter]').forEach(function (form) {
                form.addEventListener('submit', function (event) {
                    event.preventDefault();
                    var params = collect(form);
                    params.tab = current.tab;
                    params.page = 1;
                    load(params, true);
                });
            });
            region.querySelectorAll('[data-page]').forEach(function (button) {
                button.addEventListener('click', function () {
                    var params = Object.assign({}, current, {page: parseInt(button.getAttribute('data-page'), 10)});
                    load(params, true);
                });
            });
            region.querySelectorAll('[data-export]').forEach(function (link) {
                var kind = link.getAttribute('data-export');
                link.setAttribute('href', runtime.handlerUrl(M.rootOf(root), 'export_csv', '', 'kind=' + kind));
                link.setAttribute('download', '');
                link.addEventListener('click', function (event) {
                    if (link.getAttribute('data-checked')) { return; }  // small export: the browser downloads it
                    event.preventDefault();
                    M.call(runtime, root, 'start_export', {kind: kind}).then(function (result) {
                        if (!result.ok) { M.announce(root, result.body.error || gettext('Something went wrong.')); return; }
                        if (result.body.mode === 'download') {
                            link.setAttribute('data-checked', 'true');
                            link.click();
                            return;
                        }
                        M.announce(root, gettext('This export is large: it is being prepared. A download link will appear here.'));
                        pollExport(link, result.body.job_id);
                    });
                });
            });
            region.querySelectorAll('form[data-handler]').forEach(function (form) {
                form.addEventListener('submit', function (event) {
                    event.preventDefault();
                    // Actions that email many people or change others' state say what they will do, and ask.
                    var confirmText = form.getAttribute('data-confirm');
                    if (confirmText && !global.confirm(confirmText)) { return; }
                    var handler = form.getAttribute('data-handler');
                    var buttons = form.querySelectorAll('button');
                    buttons.forEach(function (button) { button.disabled = true; });
                    M.call(runtime, root, handler, collect(form)).then(function (result) {
                        buttons.forEach(function (button) { button.disabled = false; });
                        if (!result.ok) {  // once: in the form's summary (or the panel's), with links to fields
                            M.showErrors(form.querySelector('.mentoring-form-error') ? form : region, result.body, root);
                            return;
                        }
                        var params = Object.assign({}, current);
                        if (result.body.run_id) { params.run_id = result.body.run_id; params.tab = 'matching'; }
                        // Announce once the panel shows the result.
                        var done = result.body.done || gettext('Done.');
                        load(params, false).then(function () { M.announce(root, done); });
                    });
                });
            });
            pollRun();
        }

        bind();
    }

    global.MentoringCoordinator = {init: init};
}(window));
