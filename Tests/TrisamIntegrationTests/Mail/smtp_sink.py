"""A real SMTP server for the mail tests (aiosmtpd), on 127.0.0.1:<port>.

Each message it accepts is written to <folder>/<n>.json: the envelope, the headers, the text part
and the calendar part as the icalendar package reads it (so an invalid .ics fails here), and the
raw message. A recipient whose address starts with "refuse" is refused with 550 (a permanent
refusal). Given a certificate and key (arguments 3 and 4), it offers STARTTLS and requires it.
Prints "ready" once it listens; SIGTERM stops it.
"""

import email
import email.policy
import json
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller
from icalendar import Calendar

folder, port = sys.argv[1], int(sys.argv[2])
# With a certificate and key: STARTTLS offered and required before MAIL.
tls = None
if len(sys.argv) == 5:
    import ssl

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(sys.argv[3], sys.argv[4])


def calendar_of(part):
    raw = part.get_payload(decode=True).decode("utf-8")
    calendar = Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    event = events[0]
    attendees = event.get("ATTENDEE")
    if attendees is None:
        attendees = []
    elif not isinstance(attendees, list):
        attendees = [attendees]
    return {
        "method": str(calendar.get("METHOD")),
        "contentTypeMethod": part.get_param("method"),
        "events": len(events),
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE")),
        "status": str(event.get("STATUS")),
        "start": event.get("DTSTART").dt.isoformat(),
        "tzid": event.get("DTSTART").params.get("TZID"),
        "organizer": str(event.get("ORGANIZER")),
        "attendees": [str(attendee) for attendee in attendees],
        "summary": str(event.get("SUMMARY")),
        "description": str(event.get("DESCRIPTION")),
        "raw": raw,
    }


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTo": envelope.rcpt_tos,
            "messageId": str(message["Message-ID"]),
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "text": None,
            "calendar": None,
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                record["text"] = part.get_content()
            elif part.get_content_type() == "text/calendar":
                record["calendar"] = calendar_of(part)
        name = os.path.join(folder, f"{time.time_ns()}.json")
        with open(name + ".tmp", "w") as file:
            json.dump(record, file)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 Message accepted for delivery"


if tls is None:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
else:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True)
controller.start()


def stop(*_):
    # Every accepted message is already on disk (written whole, then renamed): end at once.
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
# A child may inherit a blocked SIGTERM from the threads of the process that started it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
print("ready", flush=True)
while True:
    time.sleep(1)
