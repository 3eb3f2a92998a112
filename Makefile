# One command each: `make demo` serves the seeded workbench demo, `make test` runs the test suite.
# Both need only Python 3.12; `make test-matrix` (the other Python/XBlock combinations) also needs Python 3.11.
# Each is found on PATH or in pyenv (whatever pyenv's global version is) and handed to tox by its full path;
# everything else is installed here.
# $(call find_python,3.12): the full path of a working Python 3.12, or nothing.
find_python = $(shell for p in python$(1) $$HOME/.pyenv/versions/$(1).*/bin/python$(1) $$HOME/.pyenv/versions/$(1)/bin/python$(1) /usr/local/bin/python$(1) /usr/bin/python$(1); do "$$p" -c 'import sys; assert "%d.%d" % sys.version_info[:2] == "$(1)"; print(sys.executable)' 2>/dev/null && break; done)
PYTHON312 ?= $(call find_python,3.12)
PYTHON311 ?= $(call find_python,3.11)
CONSTRAINTS = requirements/constraints.txt
TOOLS = .venv-tools
DEMO = .venv
# tox's basepython reads these (tox.ini), so it uses the interpreters found here, not whatever PATH offers.
TOX = $(if $(PYTHON311),PYTHON311="$(PYTHON311)") $(if $(PYTHON312),PYTHON312="$(PYTHON312)") $(TOOLS)/bin/tox
# The combinations `make test-matrix` runs: contract tests and the smoke set ([smoke] in tox.ini).
MATRIX = py311-xblock5,py312-xblock5,py311-xblock6

.PHONY: demo demo-reset test test-quick test-matrix test-mariadb quality ci clean check-python check-python311 \
	extract_translations dummy_translations compile_translations check_translations

check-python:
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is needed: install it (e.g. pyenv install 3.12) or set PYTHON312=/path/to/python3.12"; exit 1; }

check-python311:
	@test -n "$(PYTHON311)" || { echo "Python 3.11 is needed for the matrix: install it (e.g. pyenv install 3.11) or set PYTHON311=/path/to/python3.11"; exit 1; }

$(TOOLS)/bin/tox: | check-python
	$(PYTHON312) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --upgrade pip
	$(TOOLS)/bin/pip install -q tox

# A stamp of our own: bin/python is a link to the interpreter, and touching it would touch the interpreter.
$(DEMO)/.installed: setup.py requirements/base.in | check-python
	$(PYTHON312) -m venv $(DEMO)
	$(DEMO)/bin/pip install -q --upgrade pip
	$(DEMO)/bin/pip install -q -c $(CONSTRAINTS) -e . xblock-sdk
	touch $@

demo-reset: $(DEMO)/.installed  ## delete the demo program's data and seed it again (then `make demo`)
	DJANGO_SETTINGS_MODULE=mentoring_xblock.workbench.settings $(DEMO)/bin/python -m django mentoring_seed_demo --reset

demo: $(DEMO)/.installed  ## migrate SQLite, seed the leadership program and serve the workbench on 127.0.0.1:8000
	$(DEMO)/bin/python -m mentoring_xblock.workbench.serve

test: $(TOOLS)/bin/tox  ## the whole suite on SQLite (browser tests included) with coverage: Python 3.12, XBlock 6
	$(TOX) -e py312-xblock6

# The everyday run: the py312-xblock6 env without browser and slow tests (tox.ini's markers) and without coverage.
# CI runs `make test`, which deselects nothing.
test-quick: $(TOOLS)/bin/tox  ## the everyday run: the suite without browser and slow tests (a couple of minutes)
	$(TOX) -e py312-xblock6 -- -m "not slow and not browser" --no-cov

test-matrix: $(TOOLS)/bin/tox | check-python311  ## contract tests + smoke set on Python 3.11/3.12 x XBlock 5.2/6 (the other three)
	$(TOX) -e $(MATRIX)

test-mariadb: $(TOOLS)/bin/tox  ## the same suite (without browser tests) on the MariaDB at 127.0.0.1:3306
	$(TOX) -e mariadb

quality: $(TOOLS)/bin/tox  ## ruff, the layer contracts and pylint (tox -e quality), then eslint on the blocks' JavaScript
	$(TOX) -e quality
	npm ci --no-audit --no-fund --silent
	npx --no-install eslint mentoring_xblock/static/js/*.js

ci: test test-matrix test-mariadb quality

clean:
	rm -rf .tox $(TOOLS) $(DEMO) var build dist *.egg-info

# ---- translations (edx-i18n-tools; configuration in conf/locale/config.yaml) ----
# Catalogs: translations/<lang>/LC_MESSAGES/text.po (Python + templates) and textjs.po (JavaScript), each compiled
# next to itself (text.mo for the XBlock i18n service, a django.mo copy for Django's gettext via LOCALE_PATHS);
# JavaScript catalogs compiled to static/js/translations/<lang>/textjs.js (window.MentoringXBlockI18N).
# conf/locale/<lang> are links to translations/<lang>. I18N_VENV defaults to the demo venv; e.g. I18N_VENV=/tmp/venv.
I18N_VENV ?= $(DEMO)
I18N_ENV = PATH="$(abspath $(I18N_VENV))/bin:$$PATH" PYTHONPATH=conf DJANGO_SETTINGS_MODULE=i18n_settings
I18N_SOURCE = translations/en/LC_MESSAGES

ifeq ($(I18N_VENV),$(DEMO))
$(DEMO)/bin/i18n_tool: $(DEMO)/.installed
	$(DEMO)/bin/pip install -q -c $(CONSTRAINTS) edx-i18n-tools
	touch $@
endif

extract_translations: $(I18N_VENV)/bin/i18n_tool  ## extract Python/template strings to text.po, JS strings to textjs.po; merge into es
	rm -f $(I18N_SOURCE)/django.po $(I18N_SOURCE)/djangojs.po
	$(I18N_ENV) i18n_tool extract --no-segment
	mv $(I18N_SOURCE)/django.po $(I18N_SOURCE)/text.po
	mv $(I18N_SOURCE)/djangojs.po $(I18N_SOURCE)/textjs.po
	sed -i '/^"POT-Creation-Date:/d' $(I18N_SOURCE)/text.po $(I18N_SOURCE)/textjs.po
	for lang in $$(ls translations); do \
	  case $$lang in en|eo) continue;; esac; \
	  for domain in text textjs; do \
	    po=translations/$$lang/LC_MESSAGES/$$domain.po; \
	    if [ -f $$po ]; then msgmerge -q --no-wrap --previous --update --backup=none $$po $(I18N_SOURCE)/$$domain.po; \
	    else msginit --no-translator --no-wrap -l $$lang -i $(I18N_SOURCE)/$$domain.po -o $$po; fi; \
	  done; \
	done
	$(MAKE) dummy_translations I18N_VENV=$(I18N_VENV)

dummy_translations: $(I18N_VENV)/bin/i18n_tool  ## regenerate the eo pseudo-locale from the source catalogs
	$(I18N_ENV) i18n_tool dummy
	$(MAKE) compile_translations I18N_VENV=$(I18N_VENV)

compile_translations:  ## compile every catalog: .mo next to each .po, django.mo for Django's gettext, JS catalogs
	rm -f translations/*/LC_MESSAGES/djangojs.mo
	for po in translations/*/LC_MESSAGES/text.po translations/*/LC_MESSAGES/textjs.po; do \
	  msgfmt --check-format -o $${po%.po}.mo $$po || exit 1; \
	done
	for mo in translations/*/LC_MESSAGES/text.mo; do cp $$mo $$(dirname $$mo)/django.mo; done
	python3 conf/compile_js_catalogs.py translations static/js/translations MentoringXBlockI18N

check_translations: $(I18N_VENV)/bin/i18n_tool  ## fail when the committed catalogs are stale or invalid
	$(MAKE) extract_translations I18N_VENV=$(I18N_VENV)
	$(I18N_ENV) i18n_tool changed
	$(I18N_ENV) i18n_tool validate

demo-course-source: $(DEMO)/.installed  ## the demo course as the code writes it: var/demo-course-source.tar.gz
	mkdir -p var
	DJANGO_SETTINGS_MODULE=mentoring_xblock.workbench.settings $(DEMO)/bin/python -c "import django; django.setup(); \
	from mentoring_xblock.demo import write_demo_course; write_demo_course('var/demo-course-source.tar.gz')"
# demo_course/mentoring-demo-course.tar.gz is the platform's own export of that course: run tests/platform/lms in an
# edx-platform environment with MENTORING_PLATFORM_EXPORT=$(CURDIR)/demo_course/mentoring-demo-course.tar.gz
# (tests/platform/README.md); its test_the_shipped_tarball_is_exactly_the_platforms_export keeps them equal.

dist: $(TOOLS)/bin/tox  ## sdist and wheel in dist/, checked with twine
	rm -rf dist build
	$(TOOLS)/bin/pip install -q build twine
	$(TOOLS)/bin/python -m build
	$(TOOLS)/bin/twine check --strict dist/*

check-pins: dist  ## install the wheel into a fresh venv with the Open edX platform's pins as constraints
	rm -rf var/pins-venv && $(PYTHON312) -m venv var/pins-venv
	var/pins-venv/bin/pip install -q -c requirements/openedx-platform-pins.txt dist/*.whl
	var/pins-venv/bin/python -c "import mentoring_xblock, numpy, scipy; print('installed with pins:', numpy.__version__, scipy.__version__)"
