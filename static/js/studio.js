/* Studio editors of both mentoring blocks: a form whose "group.key" fields become nested JSON. */
(function (global) {
    'use strict';

    function initStudioForm(runtime, element) {
        var M = global.MentoringXBlock;
        var root = M.rootOf(element);
        var form = root.querySelector('.mentoring-studio-form');
        var gettext = M.gettext;

        function collect() {
            var data = {};
            var problem = null;
            form.querySelectorAll('input[name], select[name], textarea[name]').forEach(function (input) {
                var value = input.type === 'checkbox' ? input.checked : input.value;
                var type = input.getAttribute('data-type');
                if (type === 'int') { value = parseInt(value, 10); }
                if (type === 'float') { value = parseFloat(value); }
                if (type === 'json') {
                    try { value = JSON.parse(value); } catch (error) {
                        problem = problem || {error: gettext('A JSON field could not be read. Check its brackets and quotes.')};
                    }
                }
                var parts = input.name.split('.');
                if (parts.length === 2) {
                    data[parts[0]] = data[parts[0]] || {};
                    data[parts[0]][parts[1]] = value;
                } else {
                    data[input.name] = value;
                }
            });
            return problem || data;
        }

        /* Settings that only some kinds have: shown, and choices offered, for the kind chosen. */
        var kind = form.querySelector('select[name="definition.kind"]');
        function followKind() {
            if (!kind) { return; }
            form.querySelectorAll('[data-kinds]').forEach(function (node) {
                var fits = node.getAttribute('data-kinds').split(' ').indexOf(kind.value) !== -1;
                if (node.tagName === 'OPTION') {
                    node.disabled = !fits;
                    if (!fits && node.selected) { node.parentNode.value = node.parentNode.options[0].value; }
                } else {
                    node.hidden = !fits;
                }
            });
        }
        if (kind) { kind.addEventListener('change', followKind); followKind(); }

        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var data = collect();
            if (data.error) { M.showErrors(form, data); return; }
            if (runtime.notify) { runtime.notify('save', {state: 'start'}); }
            M.call(runtime, root, 'studio_submit', data).then(function (result) {
                if (result.ok) {
                    M.clearErrors(form);
                    if (runtime.notify) { runtime.notify('save', {state: 'end'}); }
                } else {
                    M.showErrors(form, result.body);
                    if (runtime.notify) {
                        runtime.notify('error', {title: gettext('The settings were not saved'), message: result.body.error});
                    }
                }
            });
        });
        form.querySelector('[data-action="cancel"]').addEventListener('click', function () {
            if (runtime.notify) { runtime.notify('cancel', {}); }
        });
    }

    global.MentoringProgramStudio = initStudioForm;
    global.MentoringAssessmentStudio = initStudioForm;
}(window));
