# One command each: `make demo` serves the seeded workbench demo, `make test` runs the test suite.
# Both need only Python 3.12 (found on PATH or in pyenv); everything else is installed here.
PYTHON312 ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { command -v "$$p"; break; }; done)
CONSTRAINTS = requirements/constraints.txt
TOOLS = .venv-tools
DEMO = .venv

.PHONY: demo test test-mariadb quality ci clean check-python

check-python:
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is needed: install it (e.g. pyenv install 3.12) or set PYTHON312=/path/to/python3.12"; exit 1; }

$(TOOLS)/bin/tox: | check-python
	$(PYTHON312) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --upgrade pip
	$(TOOLS)/bin/pip install -q tox

$(DEMO)/bin/python: setup.py requirements/base.in | check-python
	$(PYTHON312) -m venv $(DEMO)
	$(DEMO)/bin/pip install -q --upgrade pip
	$(DEMO)/bin/pip install -q -c $(CONSTRAINTS) -e . xblock-sdk
	touch $(DEMO)/bin/python

demo: $(DEMO)/bin/python  ## migrate SQLite, seed the leadership program and serve the workbench on 127.0.0.1:8000
	$(DEMO)/bin/python -m mentoring_xblock.workbench.serve

test: $(TOOLS)/bin/tox  ## the whole default suite on SQLite (browser tests included) with coverage
	$(TOOLS)/bin/tox -e py312

test-mariadb: $(TOOLS)/bin/tox  ## the same suite (without browser tests) on the MariaDB at 127.0.0.1:3306
	$(TOOLS)/bin/tox -e mariadb

quality: $(TOOLS)/bin/tox
	$(TOOLS)/bin/tox -e quality

ci: test test-mariadb quality

clean:
	rm -rf .tox $(TOOLS) $(DEMO) var build dist *.egg-info

# ---- translations: source catalogs in translations/en, compiled .mo next to each .po ----
extract_translations: $(DEMO)/bin/python  ## extract Python/template strings to text.po and JS strings to textjs.po
	rm -rf var/i18n && mkdir -p var/i18n && cp -rL mentoring_xblock var/i18n/src && rm -rf var/i18n/src/translations
	cd var/i18n/src && mkdir -p locale && \
	  DJANGO_SETTINGS_MODULE=mentoring_xblock.workbench.settings $(abspath $(DEMO))/bin/python -P -m django makemessages -l en -d django -e html,py --no-wrap --no-location && \
	  DJANGO_SETTINGS_MODULE=mentoring_xblock.workbench.settings $(abspath $(DEMO))/bin/python -P -m django makemessages -l en -d djangojs -e js --no-wrap --no-location
	mkdir -p translations/en/LC_MESSAGES
	cp var/i18n/src/locale/en/LC_MESSAGES/django.po translations/en/LC_MESSAGES/text.po
	cp var/i18n/src/locale/en/LC_MESSAGES/djangojs.po translations/en/LC_MESSAGES/textjs.po

compile_translations:  ## compile every .po under translations/ (the LMS reads text.mo; Django's gettext reads django.mo)
	for po in translations/*/LC_MESSAGES/text.po; do msgfmt --check-format -o $${po%.po}.mo $$po && cp $${po%.po}.mo $$(dirname $$po)/django.mo; done
	for po in translations/*/LC_MESSAGES/textjs.po; do msgfmt --check-format -o $${po%.po}.mo $$po && cp $${po%.po}.mo $$(dirname $$po)/djangojs.mo; done
