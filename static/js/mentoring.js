/* Shared helpers of the mentoring blocks: handler calls, form errors, announcements. No build step. */
(function (global) {
    'use strict';

    /* Translations: the block's catalog (window.MentoringXBlockI18N, loaded with the fragment or by the LMS from
       the blocks' i18n_js_namespace), then the page's Django catalog (window.gettext), then English. */
    var NAMESPACE = 'MentoringXBlockI18N';

    function catalog(name) {
        var own = global[NAMESPACE];
        if (own && typeof own[name] === 'function') { return own[name]; }
        return (typeof global[name] === 'function') ? global[name] : null;
    }

    function gettext(text) {
        var translate = catalog('gettext');
        return translate ? translate(text) : text;
    }

    function ngettext(singular, plural, count) {
        var translate = catalog('ngettext');
        return translate ? translate(singular, plural, count) : (count === 1 ? singular : plural);
    }

    /* Fill {name} placeholders after translation (values are inserted as text, never as HTML). */
    function format(text, values) {
        return text.replace(/\{(\w+)\}/g, function (match, key) {
            return Object.prototype.hasOwnProperty.call(values || {}, key) ? String(values[key]) : match;
        });
    }

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function rootOf(element) {
        // The LMS passes a DOM element, older runtimes a jQuery object.
        return (element && element.jquery) ? element[0] : element;
    }

    /* POST JSON to a handler; resolve with {ok, status, body}. Network failures resolve too. */
    function call(runtime, element, handler, data) {
        return fetch(runtime.handlerUrl(rootOf(element), handler), {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), 'Accept': 'application/json'},
            body: JSON.stringify(data || {})
        }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (body) {
                return {ok: response.ok, status: response.status, body: body};
            });
        }, function () {
            return {ok: false, status: 0, body: {error: gettext('The server could not be reached. Check your connection and try again.')}};
        });
    }

    function announce(root, text) {
        var status = root.querySelector('.mentoring-status');
        if (status) {
            status.textContent = '';
            global.setTimeout(function () { status.textContent = text; }, 50);
        }
    }

    function clearErrors(form) {
        form.querySelectorAll('.mentoring-field-error').forEach(function (node) {
            node.hidden = true;
            node.textContent = '';
        });
        form.querySelectorAll('[aria-invalid]').forEach(function (node) { node.removeAttribute('aria-invalid'); });
        var summary = form.querySelector('.mentoring-form-error');
        if (summary) { summary.hidden = true; summary.textContent = ''; }
    }

    /* Show a 4xx body: the summary message on top, each field's message under the field. */
    function showErrors(form, body) {
        clearErrors(form);
        var summary = form.querySelector('.mentoring-form-error');
        if (summary) {
            summary.textContent = body.error || gettext('Something went wrong. Please try again.');
            summary.hidden = false;
        }
        var first = null;
        Object.keys(body.field_errors || {}).forEach(function (name) {
            var field = form.querySelector('[data-field="' + name.replace(/"/g, '') + '"]');
            if (!field) { return; }
            var message = field.querySelector('.mentoring-field-error');
            if (message) {
                message.textContent = body.field_errors[name];
                message.hidden = false;
            }
            field.querySelectorAll('input, select, textarea').forEach(function (input) {
                input.setAttribute('aria-invalid', 'true');
            });
            first = first || field.querySelector('input, select, textarea');
        });
        (first || summary).focus && (first || summary).focus();
    }

    global.MentoringXBlock = {gettext: gettext, ngettext: ngettext, format: format, call: call, announce: announce,
                              rootOf: rootOf,
                              showErrors: showErrors, clearErrors: clearErrors};
}(window));
