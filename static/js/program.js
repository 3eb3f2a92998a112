/* The mentoring_program block in the LMS: join, fill and save the profile. */
function MentoringProgramBlock(runtime, element) {
    'use strict';
    var M = window.MentoringXBlock;
    var root = M.rootOf(element);
    var gettext = M.gettext;

    root.querySelectorAll('[data-join]').forEach(function (button) {
        button.addEventListener('click', function () {
            button.disabled = true;
            M.call(runtime, root, 'join', {role: button.getAttribute('data-join')}).then(function (result) {
                if (result.ok) {
                    M.announce(root, gettext('You joined the program. Loading your profile form…'));
                    M.reloadTo(root, gettext('You joined the program. Fill in your profile to go on.'), ['profile-title']);
                } else {
                    button.disabled = false;
                    M.announce(root, result.body.error || gettext('Something went wrong. Please try again.'));
                }
            });
        });
    });

    var SUCCESS = {
        request_mentor: gettext('Your request was sent. You will get an email when the mentor answers.'),
        join_queue: gettext('You are in the queue. The course team will propose a mentor.'),
        withdraw_request: gettext('Your request was withdrawn.'),
        respond_request: gettext('Your answer was sent.'),
        set_paused: gettext('Your mentoring availability was updated.'),
        respond_proposal: gettext('Your answer was sent to the course team.'),
        end_match: gettext('The mentorship has ended.'),
        leave_program: gettext('You left the program.')
    };

    /* Where focus goes once the view is reloaded after each action: the first of these that is shown
       (ids are the block's DOM id + "-" + the name), so that the result and the next step are in view. */
    var NEXT = {
        request_mentor: ['myrequest'],
        join_queue: ['myrequest'],
        withdraw_request: ['suggestions', 'queue', 'profile-title'],
        respond_request: ['mentees', 'incoming'],
        set_paused: ['mentor-status'],
        respond_proposal: ['mymentor', 'myrequest', 'suggestions', 'queue'],
        end_match: ['suggestions', 'queue', 'mentees', 'past'],
        leave_program: ['choices']
    };

    /* After a change that reshapes the view: say what happened and focus its result. */
    M.afterReload(root);

    function value(input) {
        var type = input.getAttribute('data-type');
        if (type === 'int') { return parseInt(input.value, 10); }
        if (type === 'bool') { return input.value === 'true'; }
        return input.value;
    }

    root.querySelectorAll('form[data-handler]').forEach(function (actionForm) {
        if (actionForm.closest('.mentoring-coordinator, .mentoring-workspace-root')) { return; }
        actionForm.addEventListener('submit', function (event) {
            event.preventDefault();
            var handler = actionForm.getAttribute('data-handler');
            var data = {};
            actionForm.querySelectorAll('input[name], textarea[name], select[name]').forEach(function (input) {
                data[input.name] = value(input);
            });
            if (event.submitter && event.submitter.name) {
                data[event.submitter.name] = event.submitter.value === 'true' ? true :
                    event.submitter.value === 'false' ? false : event.submitter.value;
            }
            var buttons = actionForm.querySelectorAll('button');
            buttons.forEach(function (button) { button.disabled = true; });
            M.call(runtime, root, handler, data).then(function (result) {
                if (result.ok) {
                    var next = NEXT[handler] || [];
                    if (handler === 'respond_request' && data.accept === false) { next = ['incoming', 'mentees']; }
                    M.reloadTo(root, SUCCESS[handler] || '', next);
                    return;
                }
                buttons.forEach(function (button) { button.disabled = false; });
                M.showErrors(actionForm, result.body, root);
            });
        });
    });

    var updates = root.querySelector('[data-mark-read]');
    if (updates) {
        updates.addEventListener('toggle', function () {
            if (updates.open) { M.call(runtime, root, 'mark_read', {}); }
        });
    }

    if (window.MentoringCoordinator) { window.MentoringCoordinator.init(runtime, root); }
    if (window.MentoringWorkspace) { window.MentoringWorkspace.init(runtime, root); }

    var form = root.querySelector('.mentoring-profile');
    if (!form) { return; }

    function fill(profile) {
        Object.keys(profile.answers || {}).forEach(function (id) {
            var value = profile.answers[id];
            var values = Array.isArray(value) ? value.map(String) : [String(value)];
            form.querySelectorAll('[name="answers.' + id + '"]').forEach(function (input) {
                if (input.type === 'checkbox' || input.type === 'radio') {
                    input.checked = values.indexOf(input.value) !== -1;
                } else {
                    input.value = value;
                }
            });
        });
        form.querySelector('[name="bio"]').value = profile.bio || '';
        var zone = form.querySelector('[name="time_zone"]');
        zone.value = profile.time_zone || '';
        if (!zone.value) {  // nothing saved yet: the browser's own zone, when the list has it
            var browserZone = '';
            try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (ignored) { browserZone = ''; }
            if (browserZone && zone.querySelector('option[value="' + browserZone.replace(/"/g, '') + '"]')) {
                zone.value = browserZone;
            }
        }
        if (profile.time_zone && !zone.value) {  // an old alias saved before: keep it selectable
            var kept = document.createElement('option');
            kept.value = kept.textContent = profile.time_zone;
            zone.appendChild(kept);
            zone.value = profile.time_zone;
        }
        form.querySelectorAll('[name="languages"]').forEach(function (input) {
            input.checked = (profile.languages || []).indexOf(input.value) !== -1;
        });
        var hours = (profile.availability || []).map(String);
        form.querySelectorAll('[name="availability"]').forEach(function (input) {
            input.checked = input.value.split(',').some(function (hour) { return hours.indexOf(hour) !== -1; });
        });
        var capacity = form.querySelector('[name="capacity"]');
        if (capacity && profile.capacity) { capacity.value = String(profile.capacity); }
        form.querySelector('[name="consent"]').checked = !!profile.consent;
    }

    function collect(draft) {
        var data = {answers: {}, languages: [], availability: [], draft: draft};
        form.querySelectorAll('[name^="answers."]').forEach(function (input) {
            var id = input.name.slice('answers.'.length);
            var value = input.getAttribute('data-type') === 'int' ? parseInt(input.value, 10) : input.value;
            if (input.type === 'checkbox') {
                data.answers[id] = data.answers[id] || [];
                if (input.checked) { data.answers[id].push(value); }
            } else if (input.type === 'radio') {
                if (input.checked) { data.answers[id] = value; }
            } else if (input.value.trim()) {
                data.answers[id] = input.value;
            }
        });
        data.bio = form.querySelector('[name="bio"]').value;
        data.time_zone = form.querySelector('[name="time_zone"]').value;
        form.querySelectorAll('[name="languages"]:checked').forEach(function (input) { data.languages.push(input.value); });
        form.querySelectorAll('[name="availability"]:checked').forEach(function (input) {
            input.value.split(',').forEach(function (hour) { data.availability.push(parseInt(hour, 10)); });
        });
        var capacity = form.querySelector('[name="capacity"]');
        if (capacity) { data.capacity = parseInt(capacity.value, 10); }
        data.consent = form.querySelector('[name="consent"]').checked;
        return data;
    }

    function save(draft) {
        var buttons = form.querySelectorAll('button');
        buttons.forEach(function (button) { button.disabled = true; });
        M.call(runtime, root, 'save_profile', collect(draft)).then(function (result) {
            buttons.forEach(function (button) { button.disabled = false; });
            if (result.ok) {
                M.clearErrors(form);
                if (result.body.profile_complete && form.getAttribute('data-complete') !== 'true') {
                    // Newly complete: the view now has the next step (suggestions, the queue, the review).
                    M.reloadTo(root, gettext('Your profile is saved and complete. Here is your next step.'),
                               ['suggestions', 'queue', 'mentor-status']);
                    return;
                }
                M.announce(root, result.body.profile_complete ?
                    gettext('Your profile is saved and complete.') :
                    gettext('Your draft is saved. Complete the marked fields when you are ready.'));
            } else {
                M.showErrors(form, result.body, root);
            }
        });
    }

    var profileData = document.getElementById(form.getAttribute('data-profile-id'));
    fill(profileData ? JSON.parse(profileData.textContent) : {});
    form.addEventListener('submit', function (event) {
        event.preventDefault();
        save(false);
    });
    form.querySelector('[data-action="save-draft"]').addEventListener('click', function () { save(true); });
}
