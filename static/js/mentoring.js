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

    /* The text of a field's label or legend, without the "*" and "(required)" marks. */
    function fieldName(field) {
        var label = field.querySelector('legend, label');
        if (!label) { return ''; }
        var copy = label.cloneNode(true);
        copy.querySelectorAll('[aria-hidden="true"], .sr-only').forEach(function (node) { node.remove(); });
        return copy.textContent.replace(/\s+/g, ' ').replace(/\s*\*\s*$/, '').trim();
    }

    /* Show a 4xx body once: the summary on top (the message, then a link to each field with a problem),
       each field's message under the field; focus goes to the summary, where a screen reader reads it.
       A form without a summary announces the message in the block's status line instead. */
    function showErrors(form, body, root) {
        clearErrors(form);
        var text = body.error || gettext('Something went wrong. Please try again.');
        var summary = form.querySelector('.mentoring-form-error');
        var links = [];
        Object.keys(body.field_errors || {}).forEach(function (name) {
            var field = form.querySelector('[data-field="' + name.replace(/"/g, '') + '"]');
            if (!field) { return; }
            var message = field.querySelector('.mentoring-field-error');
            if (message) {
                message.textContent = body.field_errors[name];
                message.hidden = false;
            }
            var inputs = field.querySelectorAll('input, select, textarea');
            inputs.forEach(function (input) { input.setAttribute('aria-invalid', 'true'); });
            if (inputs.length) { links.push({input: inputs[0], text: fieldName(field), message: body.field_errors[name]}); }
        });
        if (!summary) {
            if (root) { announce(root, text); }
            if (links.length) { links[0].input.focus(); }
            return;
        }
        var lead = document.createElement('p');
        lead.textContent = text;
        summary.appendChild(lead);
        if (links.length) {
            var list = document.createElement('ul');
            links.forEach(function (entry) {
                var item = document.createElement('li');
                var link = document.createElement('a');
                if (!entry.input.id) { entry.input.id = 'mentoring-field-' + Math.random().toString(36).slice(2); }
                link.href = '#' + entry.input.id;
                link.textContent = entry.text ? format(gettext('{field} — {problem}'), {
                    field: entry.text.replace(/[.:;,]+$/, ''), problem: entry.message}) :
                    entry.message;
                link.addEventListener('click', function (event) {
                    event.preventDefault();
                    entry.input.focus();
                });
                item.appendChild(link);
                list.appendChild(item);
            });
            summary.appendChild(list);
        }
        summary.hidden = false;
        if (!summary.hasAttribute('tabindex')) { summary.setAttribute('tabindex', '-1'); }
        summary.focus();
    }

    /* Reload after a change that reshapes the view, then say what happened and put focus on its result:
       the first element of the block whose id is the block's DOM id + "-" + one of ``targets``. */
    function reloadTo(root, message, targets) {
        if (global.sessionStorage) {
            global.sessionStorage.setItem('mentoring-after:' + domIdOf(root),
                                          JSON.stringify({message: message || '', targets: targets || []}));
        }
        // The browser would put the old scroll position back after the reload, away from the result.
        if (global.history && 'scrollRestoration' in global.history) { global.history.scrollRestoration = 'manual'; }
        global.location.reload();
    }

    function domIdOf(root) {
        var block = root.querySelector('[data-dom-id]') || root;
        return block.getAttribute('data-dom-id') || '';
    }

    /* On load: finish what ``reloadTo`` started (once). Returns the element focused, or null. */
    function afterReload(root) {
        var key = 'mentoring-after:' + domIdOf(root);
        var raw = global.sessionStorage && global.sessionStorage.getItem(key);
        if (!raw) { return null; }
        global.sessionStorage.removeItem(key);
        var after;
        try { after = JSON.parse(raw); } catch (ignored) { return null; }
        if (after.message) { announce(root, after.message); }
        var target = null;
        (after.targets || []).some(function (name) {
            target = document.getElementById(domIdOf(root) + '-' + name);
            return !!target;
        });
        target = target || root.querySelector('.mentoring-title');
        if (target) {
            if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
            target.focus({preventScroll: true});
            var bring = function () { if (target.scrollIntoView) { target.scrollIntoView({block: 'start'}); } };
            bring();
            // Again once the page has finished loading: the rest of the page may still move it away.
            if (document.readyState !== 'complete') { global.addEventListener('load', bring, {once: true}); }
            global.setTimeout(bring, 150);
        }
        global.setTimeout(function () {
            if (global.history && 'scrollRestoration' in global.history) { global.history.scrollRestoration = 'auto'; }
        }, 1000);
        return target;
    }

    global.MentoringXBlock = {gettext: gettext, ngettext: ngettext, format: format, call: call, announce: announce,
                              rootOf: rootOf, showErrors: showErrors, clearErrors: clearErrors,
                              reloadTo: reloadTo, afterReload: afterReload};
}(window));
