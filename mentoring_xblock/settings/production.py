"""Production settings: read overrides from the LMS/Studio environment (Tutor's YAML ends up in settings.ENV_TOKENS)."""
from mentoring_xblock.conf import DEFAULTS


def plugin_settings(settings):
    """Take MENTORING_* values from ENV_TOKENS when the operator set them there; never enable dev services."""
    env_tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    for name, default in DEFAULTS.items():
        setattr(settings, name, env_tokens.get(name, getattr(settings, name, default)))
    settings.MENTORING_DEV_USER_SERVICE = False
