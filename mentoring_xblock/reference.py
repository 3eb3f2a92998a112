"""Reference lists a profile chooses from: languages and time zones."""
import datetime
import functools
import zoneinfo

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# ISO 639-1 codes of the languages a profile can list, with translatable names.
LANGUAGES = {
    "ar": _("Arabic"), "bn": _("Bengali"), "de": _("German"), "el": _("Greek"), "en": _("English"),
    "es": _("Spanish"), "fa": _("Persian"), "fr": _("French"), "he": _("Hebrew"), "hi": _("Hindi"),
    "id": _("Indonesian"), "it": _("Italian"), "ja": _("Japanese"), "ko": _("Korean"), "nl": _("Dutch"),
    "pl": _("Polish"), "pt": _("Portuguese"), "ru": _("Russian"), "sv": _("Swedish"), "sw": _("Swahili"),
    "th": _("Thai"), "tr": _("Turkish"), "uk": _("Ukrainian"), "ur": _("Urdu"), "vi": _("Vietnamese"),
    "zh": _("Chinese"),
}

HOURS_PER_WEEK = 168
DAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
# The same, shortened where a phone has no room for the full names (the full name is still read out).
DAY_SHORT_NAMES = (pgettext_lazy("weekday, short", "Mon"), pgettext_lazy("weekday, short", "Tue"),
                   pgettext_lazy("weekday, short", "Wed"), pgettext_lazy("weekday, short", "Thu"),
                   pgettext_lazy("weekday, short", "Fri"), pgettext_lazy("weekday, short", "Sat"),
                   pgettext_lazy("weekday, short", "Sun"))


@functools.lru_cache(maxsize=1)
def time_zones():
    """The IANA time zone names this system knows, sorted (every one is accepted when saved)."""
    return tuple(sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"))


# The regions of the IANA database whose zones are places; the rest are aliases kept for old systems
# ("US/Eastern", "Etc/GMT+5", "Brazil/East", ...) that a person should not have to scroll past.
PLACE_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@functools.lru_cache(maxsize=1)
def time_zone_choices():
    """The zones offered to choose from, by region: ``[(region, [(zone, city), ...]), ...]`` plus UTC."""
    regions = {}
    for name in time_zones():
        region, _slash, city = name.partition("/")
        if region in PLACE_REGIONS:
            regions.setdefault(region, []).append((name, city.replace("_", " ").replace("/", " / ")))
    return [(region, regions[region]) for region in PLACE_REGIONS if region in regions] + [("UTC", [("UTC", "UTC")])]


@functools.lru_cache(maxsize=1)
def _time_zone_set():
    return frozenset(time_zones())


def is_time_zone(name):
    """True when ``name`` is a known IANA time zone."""
    return name in _time_zone_set()


def utc_offset_minutes(name, when=None):
    """The zone's offset from UTC in minutes at ``when`` (now by default); None for an unknown zone."""
    if not name or not is_time_zone(name):
        return None
    when = when or datetime.datetime.now(datetime.UTC)
    # Offsets change at most hourly (DST): cache per zone and hour.
    return _offset_at_hour(name, when.replace(minute=0, second=0, microsecond=0))


@functools.lru_cache(maxsize=4096)
def _offset_at_hour(name, hour):
    offset = hour.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    return int(offset.total_seconds() // 60)


def language_name(code):
    """The translated name of a language code (the code itself if unknown)."""
    return str(LANGUAGES.get(code, code))


def translated(marked):
    """A msgid marked with ``gettext_noop`` where it is defined, in the active language."""
    return gettext(marked)  # pylint: disable=translation-of-non-string  # marked (and extracted) where defined
