"""The limits of what people write, once: the services enforce them and the views show them (``limits``)."""
import datetime

# A request, an answer to one, a reason (ending a pair, leaving, a coordinator's decision).
MAX_REQUEST_MESSAGE = 1000
MAX_REASON = 1000

# A profile.
MAX_BIO = 2000
MAX_LANGUAGES = 10

# The pair workspace.
MAX_TITLE = 200
MAX_TEXT = 5000
MAX_SHORT = 255
MAX_LOCATION = 500
MAX_MESSAGE = 10000
MAX_URL = 2000
MAX_UNITS = 10
MAX_GOALS = 50
MAX_ACTIONS = 200
MAX_RESOURCES = 100
MAX_UPCOMING_MEETINGS = 50
MIN_MEETING_MINUTES, MAX_MEETING_MINUTES = 5, 480
EDIT_WINDOW = datetime.timedelta(minutes=15)
MEETING_HORIZON = datetime.timedelta(days=366)

AGREEMENT_FIELDS = {"expectations": MAX_TEXT, "meeting_frequency": MAX_SHORT, "confidentiality": MAX_TEXT,
                    "duration": MAX_SHORT}
GOAL_TEXTS = ("specific", "measurable", "achievable", "relevant")
