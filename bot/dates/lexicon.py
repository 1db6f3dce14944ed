"""Words for dates in the supported languages, each tagged with its language.

Only the languages enabled for a parse are compiled into its patterns, so a French word
never matches in an English-only configuration.
"""

from __future__ import annotations

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt")

# word -> weekday (0 = Monday); "weak" entries are short forms that are also common words.
WEEKDAYS: dict[str, dict[str, int]] = {
    "en": {
        "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
        "weds": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
        "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
    },
    "es": {
        "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
        "sábado": 5, "sabado": 5, "domingo": 6,
    },
    "fr": {
        "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
        "dimanche": 6,
    },
    "de": {
        "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
        "samstag": 5, "sonnabend": 5, "sonntag": 6,
    },
    "pt": {
        "segunda-feira": 0, "segunda": 0, "terça-feira": 1, "terça": 1, "terca": 1,
        "quarta-feira": 2, "quarta": 2, "quinta-feira": 3, "quinta": 3, "sexta-feira": 4,
        "sexta": 4, "sábado": 5, "sabado": 5, "domingo": 6,
    },
}  # fmt: skip
WEAK_WEEKDAYS = {"mon", "sat", "sun", "wed", "segunda", "quarta", "quinta", "sexta"}

MONTHS: dict[str, dict[str, int]] = {
    "en": {
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
        "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
        "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
        "nov": 11, "december": 12, "dec": 12,
    },
    "es": {
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
        "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
        "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    },
    "fr": {
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
        "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
        "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4,
        "juil": 7, "déc": 12,
    },
    "de": {
        "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
        "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
        "dezember": 12, "mär": 3, "okt": 10, "dez": 12,
    },
    "pt": {
        "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "abril": 4, "maio": 5,
        "junho": 6, "julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11,
        "dezembro": 12, "fev": 2,
    },
}  # fmt: skip

# Day words: word -> days from today ("tonight" also sets the evening).
DAY_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1,
        "day after tomorrow": 2, "the day after tomorrow": 2, "yesterday": -1,
    },
    "es": {"hoy": 0, "mañana": 1, "manana": 1, "pasado mañana": 2, "pasado manana": 2,
           "ayer": -1, "anteayer": -2},
    "fr": {"aujourd'hui": 0, "aujourd’hui": 0, "demain": 1, "après-demain": 2, "apres-demain": 2,
           "hier": -1, "avant-hier": -2},
    "de": {"heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2, "gestern": -1,
           "vorgestern": -2},
    "pt": {"hoje": 0, "amanhã": 1, "amanha": 1, "depois de amanhã": 2, "depois de amanha": 2,
           "ontem": -1, "anteontem": -2},
}  # fmt: skip

# Phrases naming a part of the day -> (part, days from today or None).
PARTS: dict[str, dict[str, tuple[str, int | None]]] = {
    "en": {
        "this morning": ("morning", 0), "this afternoon": ("afternoon", 0),
        "this evening": ("evening", 0), "tonight": ("evening", 0),
        "in the morning": ("morning", None), "in the afternoon": ("afternoon", None),
        "in the evening": ("evening", None), "at night": ("evening", None),
        "morning": ("morning", None), "afternoon": ("afternoon", None),
        "evening": ("evening", None), "night": ("evening", None), "noonish": ("afternoon", None),
    },
    "es": {
        "esta mañana": ("morning", 0), "esta tarde": ("afternoon", 0),
        "esta noche": ("evening", 0), "por la mañana": ("morning", None),
        "de la mañana": ("morning", None), "por la tarde": ("afternoon", None),
        "de la tarde": ("afternoon", None), "por la noche": ("evening", None),
        "de la noche": ("evening", None),
    },
    "fr": {
        "ce matin": ("morning", 0), "cet après-midi": ("afternoon", 0),
        "cet apres-midi": ("afternoon", 0), "ce soir": ("evening", 0),
        "le matin": ("morning", None), "du matin": ("morning", None), "matin": ("morning", None),
        "l'après-midi": ("afternoon", None), "de l'après-midi": ("afternoon", None),
        "après-midi": ("afternoon", None), "apres-midi": ("afternoon", None),
        "le soir": ("evening", None), "du soir": ("evening", None), "soir": ("evening", None),
    },
    "de": {
        "heute morgen": ("morning", 0), "heute nachmittag": ("afternoon", 0),
        "heute abend": ("evening", 0), "morgen früh": ("morning", 1),
        "am morgen": ("morning", None), "morgens": ("morning", None),
        "am vormittag": ("morning", None), "vormittags": ("morning", None),
        "vormittag": ("morning", None), "früh": ("morning", None),
        "am nachmittag": ("afternoon", None), "nachmittags": ("afternoon", None),
        "nachmittag": ("afternoon", None), "am abend": ("evening", None),
        "abends": ("evening", None), "abend": ("evening", None),
    },
    "pt": {
        "esta manhã": ("morning", 0), "esta tarde": ("afternoon", 0),
        "esta noite": ("evening", 0), "hoje à noite": ("evening", 0),
        "de manhã": ("morning", None), "pela manhã": ("morning", None),
        "da manhã": ("morning", None), "à tarde": ("afternoon", None),
        "da tarde": ("afternoon", None), "de tarde": ("afternoon", None),
        "à noite": ("evening", None), "da noite": ("evening", None),
        "de noite": ("evening", None),
    },
}  # fmt: skip

# Modifiers around a weekday.
NEXT_BEFORE = {
    "en": ["next", "coming", "this coming"],
    "es": ["el próximo", "el proximo", "próximo", "proximo", "la próxima", "próxima"],
    "fr": ["prochain", "prochaine"],
    "de": ["nächsten", "nächster", "nächste", "naechsten", "kommenden", "kommender", "am nächsten"],
    "pt": ["na próxima", "no próximo", "próxima", "proxima", "próximo", "proximo"],
}
NEXT_AFTER = {
    "en": [],
    "es": ["próximo", "proximo", "que viene"],
    "fr": ["prochain", "prochaine"],
    "de": [],
    "pt": ["que vem"],
}
THIS_BEFORE = {
    "en": ["this"],
    "es": ["este", "esta"],
    "fr": ["ce", "cette"],
    "de": ["diesen", "dieser", "diese", "am kommenden"],
    "pt": ["esta", "este", "nesta", "neste"],
}
NEXT_WEEK = {
    "en": ["next week"],
    "es": ["la semana que viene", "la próxima semana", "la proxima semana", "semana que viene"],
    "fr": ["la semaine prochaine", "semaine prochaine"],
    "de": [
        "nächste woche",
        "nächster woche",
        "naechste woche",
        "nächsten woche",
        "kommende woche",
        "kommenden woche",
    ],
    "pt": ["semana que vem", "na próxima semana", "próxima semana"],
}
AFTER_NEXT = {"en": ["after next"], "es": [], "fr": [], "de": [], "pt": []}
ON_ARTICLE = {
    "en": ["on"],
    "es": ["el"],
    "fr": ["le"],
    "de": ["am"],
    "pt": ["na", "no"],
}

# Clock words.
NOON = {
    "en": ["noon", "midday", "12 noon"],
    "es": ["mediodía", "mediodia"],
    "fr": ["midi"],
    "de": ["mittag", "mittags"],
    "pt": ["meio-dia", "meio dia"],
}
MIDNIGHT = {
    "en": ["midnight tonight", "midnight"],
    "es": ["medianoche"],
    "fr": ["minuit"],
    "de": ["mitternacht"],
    "pt": ["meia-noite", "meia noite"],
}
AT_WORDS = {
    "en": ["at", "@", "around", "by"],
    "es": ["a las", "a la"],
    "fr": ["à", "vers"],
    "de": ["um", "gegen"],
    "pt": ["às", "à"],
}
HOUR_SUFFIX = ["o'clock", "oclock", "uhr", "h", "heures", "heure", "horas", "hrs"]

# "now", alone or as the base of a signed offset ("now + 40 minutes").
NOW = {
    "en": ["right now", "now"],
    "es": ["ahora mismo", "ahora"],
    "fr": ["maintenant"],
    "de": ["jetzt", "sofort"],
    "pt": ["agora mesmo", "agora"],
}
# Words allowed between "in" and the number: "in around 5 hours".
ABOUT = {
    "en": ["around", "about", "approximately", "approx.", "approx", "roughly", "~"],
    "es": ["unos", "unas", "alrededor de", "aproximadamente"],
    "fr": ["environ", "à peu près"],
    "de": ["etwa", "ungefähr", "circa", "ca."],
    "pt": ["cerca de", "uns", "umas", "aproximadamente"],
}
# Joins the pieces of a compound offset ("1 hora y 30 minutos").
AND_WORDS = ["and", "y", "et", "und", "e", ","]
# An offset into the past ("3 days ago", "hace 3 días"): refused, never read forward.
AGO_BEFORE = {"es": ["hace"], "fr": ["il y a"], "de": ["vor"], "pt": ["há", "ha"]}
AGO_AFTER = {"en": ["ago", "back", "earlier"]}

# The British "half two" (2:30) and the German "halb drei" (2:30: half to three).
HOUR_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
}  # fmt: skip
HALF_PAST = {"en": ["half"]}
HALF_TO = {"de": ["halb"]}

# Parts of next week: "early next week" is Monday and Tuesday, "late next week" Thursday
# and Friday (ranges of whole days, [start, end)).
WEEK_EARLY = {
    "en": ["early", "earlier in", "beginning of", "the beginning of", "start of", "the start of"],
    "es": ["a principios de", "principios de", "a comienzos de", "comienzos de", "al principio de"],
    "fr": ["en début de", "au début de", "début de", "debut de"],
    "de": ["anfang", "anfang der", "zu beginn der", "am anfang der"],
    "pt": ["no início da", "no inicio da", "início da", "inicio da", "no começo da", "começo da"],
}
WEEK_LATE = {
    "en": ["late", "later", "end of", "the end of", "later in"],
    "es": ["a finales de", "finales de", "a fines de", "al final de"],
    "fr": ["en fin de", "à la fin de", "fin de"],
    "de": ["ende", "ende der", "am ende der"],
    "pt": ["no fim da", "no final da", "fim da", "final da"],
}
WEEK_PARTS = {"early": (0, 2), "late": (3, 5)}  # (first weekday, weekday after the last)

# Ordinal words for days of the month ("the twelfth", "le premier", "am ersten").
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
ORDINAL_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_UNITS)}
ORDINAL_WORDS.update(
    {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
     "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
     "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "thirty-first": 31,
     "thirty first": 31}
)  # fmt: skip
for _i, _w in enumerate(_UNITS):
    ORDINAL_WORDS[f"twenty-{_w}"] = 21 + _i
    ORDINAL_WORDS[f"twenty {_w}"] = 21 + _i
ORDINAL_WORDS_OTHER: dict[str, dict[str, int]] = {
    "es": {"primero": 1, "primer": 1},
    "fr": {"premier": 1, "première": 1},
    "de": {"ersten": 1, "erste": 1, "erster": 1},
    "pt": {"primeiro": 1},
}
# Days of the month as cardinal numbers in words, read only right before a month ("el
# veinte de junio", "le vingt-neuf septembre", "vinte de julho"). Left out: French "un"
# and Portuguese "um" (articles there) and Spanish "once" (English "once March is over").
_ES_CARDINALS = [
    "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "",
    "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
    "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro",
    "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve", "treinta",
]  # fmt: skip
_FR_CARDINALS = [
    "", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
    "vingt", "vingt et un", "vingt-deux", "vingt-trois", "vingt-quatre", "vingt-cinq",
    "vingt-six", "vingt-sept", "vingt-huit", "vingt-neuf", "trente",
]  # fmt: skip
_PT_CARDINALS = [
    "", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze",
    "doze", "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito", "dezenove",
    "vinte", "vinte e um", "vinte e dois", "vinte e três", "vinte e quatro", "vinte e cinco",
    "vinte e seis", "vinte e sete", "vinte e oito", "vinte e nove", "trinta",
]  # fmt: skip
for _lang, _words in (("es", _ES_CARDINALS), ("fr", _FR_CARDINALS), ("pt", _PT_CARDINALS)):
    for _i, _w in enumerate(_words):
        if _w:  # "": left out
            ORDINAL_WORDS_OTHER[_lang][_w] = _i + 1
            _plain = _w.replace("é", "e").replace("ó", "o").replace("ê", "e")
            ORDINAL_WORDS_OTHER[_lang].setdefault(_plain, _i + 1)  # written without accents
ORDINAL_WORDS_OTHER["es"]["treinta y uno"] = 31
ORDINAL_WORDS_OTHER["fr"]["trente et un"] = 31
ORDINAL_WORDS_OTHER["pt"].update({"trinta e um": 31, "quatorze": 14, "dezasseis": 16,
                                  "dezassete": 17, "dezanove": 19})  # fmt: skip

# Half and quarter hours after a clock time ("a las 7 y media", "à 8 heures et quart",
# "às 7 e meia", "a las 8 menos cuarto"): minutes after, or before, the hour.
CLOCK_FRACTIONS = {"media": 30, "demie": 30, "meia": 30, "cuarto": 15, "quart": 15}

# German two-letter weekdays, read only right before a numeric date ("Do 13.05.").
WEEKDAY_ABBR_DE = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}

# Offsets from now.
IN_WORDS = {
    "en": ["in"],
    "es": ["en", "dentro de"],
    "fr": ["dans"],
    "de": ["in"],
    "pt": ["em", "daqui a", "dentro de"],
}
UNITS: dict[str, dict[str, str]] = {
    "en": {
        "minutes": "minutes", "minute": "minutes", "mins": "minutes", "min": "minutes",
        "hours": "hours", "hour": "hours", "hrs": "hours", "hr": "hours", "h": "hours",
        "days": "days", "day": "days", "weeks": "weeks", "week": "weeks", "wks": "weeks",
        "months": "months", "month": "months", "years": "years", "year": "years",
        "yrs": "years", "yr": "years", "fortnights": "fortnights", "fortnight": "fortnights",
        "d": "days", "m": "minutes",
    },
    "es": {
        "minutos": "minutes", "minuto": "minutes", "horas": "hours", "hora": "hours",
        "días": "days", "día": "days", "dias": "days", "dia": "days", "semanas": "weeks",
        "semana": "weeks", "meses": "months", "mes": "months", "años": "years",
        "año": "years", "anos": "years",
    },
    "fr": {
        "minutes": "minutes", "minute": "minutes", "heures": "hours", "heure": "hours",
        "jours": "days", "jour": "days", "semaines": "weeks", "semaine": "weeks",
        "mois": "months", "ans": "years", "an": "years", "années": "years", "année": "years",
    },
    "de": {
        "minuten": "minutes", "minute": "minutes", "stunden": "hours", "stunde": "hours",
        "tagen": "days", "tage": "days", "tag": "days", "wochen": "weeks", "woche": "weeks",
        "monaten": "months", "monate": "months", "monat": "months", "jahren": "years",
        "jahre": "years", "jahr": "years",
    },
    "pt": {
        "minutos": "minutes", "minuto": "minutes", "horas": "hours", "hora": "hours",
        "dias": "days", "dia": "days", "semanas": "weeks", "semana": "weeks",
        "meses": "months", "mês": "months", "mes": "months", "anos": "years", "ano": "years",
    },
}  # fmt: skip
NUMBER_WORDS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45, "forty five": 45,
    "ninety": 90, "half an": 0.5, "half a": 0.5, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a few": 3,
    "un": 1, "una": 1, "uno": 1, "une": 1, "ein": 1, "eine": 1, "einer": 1, "einem": 1,
    "um": 1, "uma": 1, "dos": 2, "deux": 2, "zwei": 2, "dois": 2, "duas": 2,
    "tres": 3, "trois": 3, "drei": 3, "três": 3,
}  # fmt: skip

# Deadlines people type: the end of the working day (17:00) and of the working week
# (Friday 17:00). English only: the other languages spell these out as times.
END_OF_DAY = {
    "en": ["end of day", "end of the day", "end of business", "close of business", "eod", "cob"],
}
END_OF_WEEK = {"en": ["end of week", "end of the week", "eow"]}

# Weekends are ranges, Saturday 00:00 to Monday 00:00.
WEEKEND = {
    "en": ["weekend"],
    "es": ["fin de semana", "finde"],
    "fr": ["week-end", "weekend"],
    "de": ["wochenende"],
    "pt": ["fim de semana"],
}
# "next month" is a range over the whole of the following calendar month.
NEXT_MONTH = {
    "en": ["next month"],
    "es": ["el mes que viene", "el próximo mes", "el proximo mes", "mes que viene", "próximo mes"],
    "fr": ["le mois prochain", "mois prochain"],
    "de": ["nächsten monat", "nächster monat", "naechsten monat", "kommenden monat"],
    "pt": ["no mês que vem", "mês que vem", "mes que vem", "no próximo mês", "próximo mês"],
}
THIS_MONTH = {"en": ["this month", "the month"]}
# "first monday of next month", "the last friday of june"
NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
       "4th": 4, "last": -1}  # fmt: skip

# Words that, left unread beside a date, mean the grammar missed part of it.
PERIOD_WORDS = {
    "en": ["week", "weekend", "month", "year", "quarter", "fortnight"],
    "es": ["semana", "mes", "año"],
    "fr": ["semaine", "mois", "année"],
    "de": ["woche", "monat", "jahr"],
    "pt": ["semana", "mês", "mes", "ano"],
}
PERIOD_MODIFIERS = {
    "en": ["next", "this", "last", "coming", "following", "previous", "of", "of the", "end of",
           "end of the", "beginning of", "start of", "mid", "early", "late"],
    "es": ["próximo", "proximo", "próxima", "que viene", "este", "esta", "fin de"],
    "fr": ["prochain", "prochaine", "ce", "cette", "fin de"],
    "de": ["nächsten", "nächste", "nächster", "diesen", "diese", "dieses", "ende"],
    "pt": ["próximo", "proximo", "próxima", "que vem", "este", "esta", "fim de"],
}  # fmt: skip
UNREAD_ALONE = ["ago", "eod", "eow", "cob"]
