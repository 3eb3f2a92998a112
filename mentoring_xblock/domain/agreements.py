"""The pair's agreement: what a new one starts with."""
from .limits import AGREEMENT_FIELDS


def agreement_template(program):
    """The program's agreement template (what a new agreement starts with)."""
    template = (program.configuration or {}).get("agreement_template") or {}
    return {key: template.get(key, "") or "" for key in AGREEMENT_FIELDS}
