/* The mentoring_assessment block in the LMS: save a draft, submit, coordinator downloads and rescoring. */
function MentoringAssessmentBlock(runtime, element) {
    'use strict';
    var M = window.MentoringXBlock;
    var root = M.rootOf(element);
    var gettext = M.gettext;

    /* After submitting: say so and focus the form's "Submitted" line, the result. */
    M.afterReload(root);

    /* The form's answers keyed by item id: whole numbers for scales, lists for multiple choice. */
    function collect(form) {
        var answers = {};
        form.querySelectorAll('input[name], textarea[name]').forEach(function (input) {
            var kind = input.getAttribute('data-kind');
            if (kind === 'multi_choice') {
                answers[input.name] = answers[input.name] || [];
                if (input.checked) { answers[input.name].push(input.value); }
            } else if (input.type === 'radio') {
                if (input.checked) { answers[input.name] = kind === 'scale' ? parseInt(input.value, 10) : input.value; }
            } else if (input.value.trim()) {
                answers[input.name] = input.value;
            }
        });
        return answers;
    }

    root.querySelectorAll('form.mentoring-assessment-answers').forEach(function (form) {
        var buttons = form.querySelectorAll('button');

        function save(submit) {
            buttons.forEach(function (button) { button.disabled = true; });
            M.call(runtime, root, 'save_response', {
                subject_id: parseInt(form.getAttribute('data-subject'), 10),
                answers: collect(form),
                submit: submit
            }).then(function (result) {
                buttons.forEach(function (button) { button.disabled = false; });
                if (result.ok && submit) {
                    M.reloadTo(root, gettext('Your answers are submitted. Thank you!'),
                               ['done-' + form.getAttribute('data-subject')]);
                } else if (result.ok) {
                    M.clearErrors(form);
                    M.announce(root, gettext('Your draft is saved. Submit it when you are ready.'));
                } else {
                    M.showErrors(form, result.body, root);
                }
            });
        }

        form.addEventListener('submit', function (event) {
            event.preventDefault();
            save(true);
        });
        var draft = form.querySelector('[data-action="draft"]');
        if (draft) { draft.addEventListener('click', function () { save(false); }); }
    });

    var record = root.querySelector('form[data-record]');
    if (record) {
        record.addEventListener('submit', function (event) {
            event.preventDefault();
            M.clearErrors(record);
            var username = record.querySelector('[name="username"]').value.trim();
            if (!username) {
                M.showErrors(record, {error: gettext('Give the username of a participant.'),
                                      field_errors: {username: gettext('Missing.')}});
                return;
            }
            var format = record.querySelector('[name="format"]').value;
            var query = 'username=' + encodeURIComponent(username) + '&format=' + encodeURIComponent(format);
            var url = runtime.handlerUrl(root, 'learner_record', '', query);
            /* Check the answer first so a mistake is shown here, then download. */
            fetch(url, {credentials: 'same-origin'}).then(function (response) {
                if (response.ok) {
                    return response.blob().then(function (blob) {
                        var link = document.createElement('a');
                        link.href = URL.createObjectURL(blob);
                        link.download = username + '-assessments.' + format;
                        document.body.appendChild(link);
                        link.click();
                        link.remove();
                        M.announce(root, gettext('The record was downloaded.'));
                    });
                }
                return response.json().catch(function () { return {}; }).then(function (body) {
                    M.showErrors(record, body, root);
                });
            });
        });
    }

    var rescore = root.querySelector('form[data-rescore]');
    if (rescore) {
        rescore.addEventListener('submit', function (event) {
            event.preventDefault();
            M.call(runtime, root, 'rescore_all', {}).then(function (result) {
                if (result.ok) {
                    M.announce(root, gettext('The LMS is recalculating the scores of {count} people (Instructor dashboard, Student admin).')
                        .replace('{count}', String(result.body.queued)));
                } else {
                    M.showErrors(rescore, result.body);
                }
            });
        });
    }
}
