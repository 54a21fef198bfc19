#!/usr/bin/env python3
"""The agency workspaces end to end in headless Chromium, against a running `trisam dev`: a kommun
handläggare registers a person, registers consent and sends a referral to AF; the arbetsförmedlare
finds it in the Inkorg and accepts it, and takes one of the coordinator's flags naming AF; the
kommun calls a SIP inviting AF and the region; both
answer with times in the time picker; the kommun books the earliest common time and downloads the
.ics, and records the meeting held with the person present; a plan with an AF action is made and AF marks it done. Every page is checked (language, one
h1, labelled controls, contrast, console errors), refusals are shown beside their fields, the
pages work at 768 px, and screenshots are saved.

Usage: workspace_browser_test.py --base http://127.0.0.1:8080 --out docs/screenshots
(the agencies listen on the next four ports: kommun, af, fk, region).
"""
import argparse, base64, json, os, random, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_test import Browser, PAGE_CHECKS, CHROMIUM  # noqa: E402

TOKENS = {"kommun": "trisam-demo-token-kommun", "af": "trisam-demo-token-af", "region": "trisam-demo-token-region"}
# The participants' work addresses, typed into their answers; the SIP mails go there.
MAIL = {"af": "ali.hassan@af.example.se", "region": "rolf.berg@region.example.se"}


def personnummer():
    """A valid personnummer (Luhn check digit) no demo person has: born 1986, a random serial."""
    while True:
        digits = f"86{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}"
        total = 0
        for index, char in enumerate(digits):
            value = int(char) * (2 if index % 2 == 0 else 1)
            total += value // 10 + value % 10
        check = (10 - total % 10) % 10
        return f"19{digits[:6]}-{digits[6:]}{check}"


class Workspace(Browser):
    def shot(self, path, width, max_height=2400):
        metrics = self.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": min(size["height"], max_height), "scale": 1})
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--mail", help="the folder where the SMTP relay (smtp_sink.py) writes what it received")
    args = parser.parse_args()
    if not CHROMIUM:
        print("chromium not found (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    host, port = args.base.rstrip("/").rsplit(":", 1)
    ports = {"kommun": int(port) + 1, "af": int(port) + 2, "fk": int(port) + 3, "region": int(port) + 4}
    url = lambda agency, path: f"{host}:{ports[agency]}{path}"
    passed, failed = 0, 0
    browser = Workspace(width=1280, height=900)

    def check(name, condition, detail=""):
        nonlocal passed, failed
        if condition:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    def page_checks(name, status=None):
        result = browser.evaluate(PAGE_CHECKS)
        check(f"{name}: semantic HTML, labelled controls, contrast ({result['checked']} texts)", not result["problems"], result["problems"])
        errors, browser.errors[:] = list(browser.errors), []
        if status:
            errors = [e for e in errors if not (f"http {status}:" in e or f"status of {status}" in e)]
        check(f"{name}: no console errors", not errors, errors)

    def shot(name):
        browser.shot(os.path.join(args.out, name), 1280)

    def submit(form_id, values):
        """Fills a form (name → value, or list of values for checkboxes) and submits it with its button."""
        browser.evaluate(f"""(() => {{
          const form = document.getElementById({json.dumps('form-' + form_id)});
          const values = {json.dumps(values)};
          for (const [name, value] of Object.entries(values)) {{
            const controls = [...form.elements].filter(e => e.name === name);
            for (const control of controls) {{
              if (control.type === 'checkbox' || control.type === 'radio') {{
                control.checked = Array.isArray(value) ? value.includes(control.value) : control.value === value;
              }} else {{ control.value = value; }}
            }}
          }}
          form.querySelector('button[type=submit]').click();
          return true;
        }})()""")
        browser.wait_for("Page.loadEventFired")
        return browser.evaluate("location.pathname + location.search")

    def login(agency):
        browser.navigate(url(agency, "/"))
        check(f"{agency}: / leads to the login page", browser.evaluate("location.pathname") == "/logga-in")
        browser.evaluate(f"document.getElementById('token').value = {json.dumps(TOKENS[agency])}; document.querySelector('form').submit(); true")
        browser.wait_for("Page.loadEventFired")
        check(f"{agency}: logging in opens the Inkorg", browser.evaluate("location.pathname") == "/inkorg", browser.evaluate("location.href"))

    def link(label, prefix):
        """The href of the first link in main with this text whose href starts with `prefix`."""
        return browser.evaluate(f"""(() => {{ const a = [...document.querySelectorAll('main a')].find(a =>
            a.textContent.trim() === {json.dumps(label)} && a.getAttribute('href').startsWith({json.dumps(prefix)}));
          return a ? a.getAttribute('href') : null; }})()""")

    def wait_inbox(agency, label, prefix, timeout=120):
        """Reloads the agency's Inkorg until it offers `label` for the item under `prefix`: the
        Inkorg also holds the demo population's items, so the test acts on its own person only."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            browser.navigate(url(agency, "/inkorg"))
            if link(label, prefix):
                return True
            time.sleep(1)
        return False

    def follow(label, prefix):
        """Opens the first link with this text whose href starts with `prefix`."""
        href = link(label, prefix)
        if href:
            browser.navigate(browser.evaluate("location.origin") + href)
        return href

    def text(selector):
        return browser.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")

    number, name = personnummer(), "Testa Testsson"
    try:
        # Kommun: login page, Inkorg, register a person.
        browser.navigate(url("kommun", "/inkorg"))
        check("the login page speaks to the kommun's handläggare", "ekonomiskt bistånd" in text("main"), text("main"))
        page_checks("workspace login")
        browser.shot(os.path.join(args.out, "workspace-login.png"), 1280, 700)
        login("kommun")
        page_checks("kommun Inkorg")
        shot("workspace-inbox-kommun.png")
        browser.navigate(url("kommun", "/personer"))
        page_checks("search or register")
        where = submit("ny", {"personnummer": number, "namn": name, "reservnummer": ""})
        check("registering opens the person page", where.startswith("/personer/") and "klart=registrerad" in where, where)
        person = where.split("?")[0]
        check("the person page names the person with number", name in text("h1") and number in text("main"), text("h1"))
        for purpose in ["samordning", "remiss", "sip", "handlingsplan"]:
            browser.navigate(url("kommun", person + "/samtycke"))
            where = submit("samtycke", {"andamal": purpose, "verksamheter": ["kommun", "af", "region"]})
            check(f"consent for {purpose} registered", "klart=samtycke" in where, where)

        # A refused referral: the refusal beside the field, in Swedish, what was typed kept.
        browser.navigate(url("kommun", person + "/remiss"))
        page_checks("send referral")
        submit("remiss", {"till": "", "omrade": "arbete-aktivitet", "efterfragas": "Inskrivning och kartläggning",
                          "anledning": "Har varit utan arbete i två år och vill komma ut i arbete."})
        refused = browser.evaluate("""(() => ({error: (document.getElementById('till-error') || {}).textContent || '',
          described: document.getElementById('till').getAttribute('aria-describedby'),
          kept: document.getElementById('efterfragas').value}))()""")
        check("a refused referral names the field in Swedish, linked by aria-describedby, and keeps what was typed",
              refused["error"] == "Till: fyll i." and refused["described"] == "till-error" and refused["kept"] == "Inskrivning och kartläggning",
              refused)
        page_checks("refused referral", status=400)
        shot("workspace-refusal.png")
        where = submit("remiss", {"till": "af"})
        check("the referral is sent", "klart=remiss-skickad" in where, where)

        # AF: the referral in the Inkorg, accepted.
        login("af")
        check("AF finds the referral in its Inkorg", wait_inbox("af", "Svara på remissen", person), text("main")[:300])
        check("the Inkorg names the person", name in text("main"), text("main")[:300])
        page_checks("AF Inkorg")
        shot("workspace-inbox-af.png")
        check("the item offers to answer the referral", follow("Svara på remissen", person) is not None)
        page_checks("referral to answer")
        shot("workspace-referral.png")
        where = submit("godta", {})
        check("AF accepts the referral", "klart=remiss-godtagen" in where, where)
        check("the referral shows as accepted", "Godtagen" in text("main"))

        # AF: the coordinator's flags naming AF, in the Inkorg; the arbetsförmedlare takes one.
        browser.navigate(url("af", "/inkorg"))
        check("AF's Inkorg lists the coordinator's flags naming AF", "Flaggor där ni behöver agera" in text("#flaggor"), text("#flaggor")[:200])
        # The first flag nobody has taken yet (the one the test takes).
        flag_item = '[id="%s"]' % browser.evaluate("((document.querySelector('#flaggor li form') || {closest: () => ({})}).closest('li') || {}).id || ''")
        check("each flag says who works it", "Ingen har tagit den än." in text(flag_item), text(flag_item))
        browser.evaluate(f"document.querySelector({json.dumps(flag_item + ' form button')}).click(); true")
        browser.wait_for("Page.loadEventFired")
        check("taking the flag is confirmed", "Du har tagit flaggan." in text(".notice"), text("main")[:300])
        deadline = time.time() + 60
        while time.time() < deadline and "Du tar hand om den." not in text(flag_item):
            time.sleep(1)
            browser.navigate(url("af", "/inkorg"))
        check("the coordinator records it, and the Inkorg shows it as taken by the arbetsförmedlare",
              "Du tar hand om den." in text(flag_item), text(flag_item))
        page_checks("AF Inkorg with a flag taken")
        shot("workspace-flags-af.png")

        # Kommun: call a SIP inviting AF and the region.
        browser.navigate(url("kommun", person + "/sip"))
        page_checks("call a SIP")
        where = submit("sip", {"anledning": "Samordna arbete och vård", "inbjudna": ["af", "region"]})
        check("the SIP is called", "klart=sip-kallad" in where, where)
        sip_page = where.split("?")[0]

        # AF and the region answer in the time picker.
        first_day = None
        for agency in ["af", "region"]:
            login(agency) if agency == "region" else browser.navigate(url(agency, "/inkorg"))
            check(f"{agency} finds the SIP invitation in its Inkorg", wait_inbox(agency, "Svara på kallelsen", sip_page))
            check(f"{agency}: the item offers to answer", follow("Svara på kallelsen", sip_page) is not None)
            days = browser.evaluate("[...document.querySelectorAll('.timegrid .day')].map(d => d.querySelector('.day-label').textContent)")
            check(f"{agency}: the time picker shows working days only", len(days) == 10 and not any(d.startswith(("Lördag", "Söndag")) for d in days), days)
            values = browser.evaluate("[...document.querySelectorAll('.timegrid input')].map(i => i.value)")
            first_day = values[0].split("T")[0]
            page_checks(f"{agency} answers the SIP")
            if agency == "af":
                shot("workspace-sip-answer.png")
                chosen = [f"{first_day}T10:00-12:00", f"{first_day}T13:00-15:00"]
            else:
                chosen = [f"{first_day}T10:00-12:00"]
            where = submit("svara", {"svar": "accepted", "tider": chosen, "deltagare-epost": MAIL[agency]})
            check(f"{agency} answered with its times", "klart=sip-svar" in where, where)

        # Kommun books the earliest common time.
        browser.navigate(url("kommun", sip_page))
        deadline = time.time() + 120
        # Both answers must have arrived: the kommun books once nobody is still to answer.
        while time.time() < deadline and ("Tidigaste gemensamma tid" not in text("main") or "Väntar fortfarande" in text("main")):
            time.sleep(1)
            browser.navigate(url("kommun", sip_page))
        proposal = text("#form-boka .muted")
        check("the kommun sees the earliest common time, 10.00 on the first day", "Tidigaste gemensamma tid" in proposal and "kl. 10.00–11.00" in proposal, proposal)
        page_checks("book the SIP")
        shot("workspace-sip-book.png")
        where = submit("boka", {"langd": "60", "plats": "Socialkontoret, rum 3"})
        check("the SIP is booked", "klart=sip-bokad" in where, where + " " + text("#form-boka")[:300])
        booked = text("main")
        check("the booked time is shown in Swedish local time", "kl. 10.00–11.00" in booked, booked[:400])
        ics_href = browser.evaluate("(document.querySelector('a[href$=\"kalender.ics\"]') || {}).href || ''")
        cookie = browser.call("Network.getCookies", urls=[url("kommun", "/")])["cookies"]
        request = urllib.request.Request(ics_href, headers={"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in cookie)})
        ics = urllib.request.urlopen(request).read().decode()
        check("the .ics downloads with the meeting", "BEGIN:VCALENDAR" in ics and "METHOD:REQUEST" in ics, ics[:200])
        page_checks("booked SIP")
        shot("workspace-sip-booked.png")

        # The meeting is held with the person present: the kommun's clock (trisam dev starts the
        # agencies on `--clock adjustable`) moves to noon of the meeting day, after the meeting.
        from datetime import datetime
        from zoneinfo import ZoneInfo
        noon = datetime.fromisoformat(f"{first_day}T12:00:00").replace(tzinfo=ZoneInfo("Europe/Stockholm"))
        moved = urllib.request.urlopen(urllib.request.Request(
            url("kommun", "/admin/clock"), method="POST", data=json.dumps({"to": noon.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")}).encode(),
            headers={"Authorization": f"Bearer {TOKENS['kommun']}", "Content-Type": "application/json"}))
        check("the kommun's clock moves to the meeting day", moved.status == 200)
        browser.navigate(url("kommun", sip_page))
        present = browser.evaluate("[...document.querySelectorAll('#form-hallet input[name=narvarande]')].map(i => i.value)")
        check("the held form lists the person first among who may have attended", bool(present) and present[0].endswith("|Personen själv"), present)
        page_checks("record the SIP held")
        where = submit("hallet", {"narvarande": present, "narstaende": "Maria Testsson", "hallet-dag": first_day})
        check("the SIP is recorded held", "klart=sip-hallen" in where, where + " " + text("main")[:300])
        held = text("main")
        check("the held SIP lists the person, the närstående and the participants as present",
              all(part in held for part in ["Personen själv", "Maria Testsson", "Ali Hassan"]), held[:600])
        shot("workspace-sip-held.png")
        if args.mail:
            # The relay received the invitation for each participant, with a valid .ics
            # (smtp_sink.py parses it with the icalendar package) and no personnummer.
            deadline, invitations = time.time() + 60, {}
            while time.time() < deadline and len(invitations) < len(MAIL):
                for name in sorted(os.listdir(args.mail)):
                    if not name.endswith(".json"):
                        continue
                    with open(os.path.join(args.mail, name)) as handle:
                        record = json.load(handle)
                    calendar = record.get("calendar") or {}
                    for agency, address in MAIL.items():
                        if address in record.get("rcptTo", []) and calendar.get("method") == "REQUEST":
                            invitations[agency] = record
                time.sleep(1)
            check("the SMTP relay received the invitation for AF and the region, each with a valid .ics (METHOD:REQUEST)",
                  set(invitations) == set(MAIL), sorted(invitations))
            check("the invitations carry no personnummer",
                  all(number not in record["raw"] and number.replace("-", "") not in record["raw"] for record in invitations.values()))
            check("the invitation's calendar names the participants by address",
                  all(any(MAIL[agency] in attendee for attendee in record["calendar"]["attendees"]) for agency, record in invitations.items()),
                  [record["calendar"]["attendees"] for record in invitations.values()])

        # The coordinator's dashboard along the way: the kommun decides ekonomiskt bistånd with no
        # named handläggare, the flag appears; the kommun opens a case with a contact, it resolves.
        browser.navigate(url("kommun", person + "/status?typ=kommun.bistand.decided"))
        where = submit("status", {"f-decision": "granted"})
        check("the kommun registers ekonomiskt bistånd", "klart=status" in where, where + " " + text("main")[:300])
        browser.navigate(f"{host}:{port}/logga-in")
        browser.evaluate("document.getElementById('token').value = 'trisam-demo-token-samordnare'; document.querySelector('form').submit(); true")
        browser.wait_for("Page.loadEventFired")
        dashboard_person = f"{host}:{port}{person}"

        def dashboard_open_flags():
            browser.navigate(dashboard_person)
            return browser.evaluate("(document.querySelector('[aria-labelledby=flaggor]') || {}).textContent || ''")

        deadline = time.time() + 60
        while time.time() < deadline and "Ingen namngiven handläggare" not in dashboard_open_flags():
            time.sleep(1)
        check("the dashboard shows the flag appear: no named handläggare at the kommun",
              "Ingen namngiven handläggare" in dashboard_open_flags(), dashboard_open_flags()[:300])
        shot("workspace-dashboard-flag-raised.png")
        browser.navigate(url("kommun", person + "/arende"))
        where = submit("arende", {"omrade": "forsorjning"})
        check("the kommun opens a case with Karin Lind as named contact", "klart=arende-oppnat" in where, where + " " + text("main")[:300])
        resolved = "Ingen namngiven handläggare – löst"
        deadline, flags_now = time.time() + 60, dashboard_open_flags()
        while time.time() < deadline and resolved not in flags_now:
            time.sleep(1)
            flags_now = dashboard_open_flags()
        check("the dashboard shows the flag resolve once the case has a named contact", resolved in flags_now, flags_now[:300])
        shot("workspace-dashboard-flag-resolved.png")

        # A plan with an AF action; AF marks it done.
        browser.navigate(url("kommun", person + "/plan"))
        page_checks("new plan")
        where = submit("plan", {"huvudansvarig": "kommun", "deltagare": ["kommun", "af"], "mal": "Egen försörjning genom arbete",
                                "delmal": "Inskriven hos Arbetsförmedlingen", "vart-vill-du": "Jobba med djur",
                                "atgard-0-agare": "af", "atgard-0-vad": "Kartläggning av arbetsförmåga",
                                "atgard-0-kontakt": "Ali Hassan", "atgard-0-senast": first_day})
        check("the plan is created", "klart=plan-skapad" in where, where)
        check("the plan shows the person's own goal", "Jobba med djur" in text("main"))
        shot("workspace-plan.png")
        # The SIP document for the meeting, as a print view.
        browser.navigate(url("kommun", sip_page))
        check("the SIP page shows the person's own goal", "Jobba med djur" in text("main"), text("main")[:300])
        follow("SIP-dokument att skriva ut", sip_page)
        document = text("main")
        check("the SIP document names the person first, the närstående, the plan in their words, who does what and the follow-up",
              all(part in document for part in ["Samordnad individuell plan (SIP)", "Personen själv", "Maria Testsson", "Närvarande", "Jobba med djur",
                                                "Kartläggning av arbetsförmåga", "håller samman planen", "Nästa uppföljning"]),
              document[:600])
        check("the SIP document has a print button", browser.evaluate("!!document.querySelector('button[data-print]')"))
        page_checks("SIP document")
        shot("workspace-sip-document.png")
        browser.navigate(url("af", "/inkorg"))
        check("AF finds the action in its Inkorg", wait_inbox("af", "Visa åtgärden", person + "/planer/"))
        check("the Inkorg lists AF's action with its due date", "Era åtgärder i handlingsplaner" in text("main"))
        follow("Visa åtgärden", person + "/planer/")
        page_checks("AF's action")
        where = submit(browser.evaluate("document.querySelector('form[id$=\"-klar\"]').id.slice(5)"), {})
        check("AF marks the action done", "klart=atgard-klar" in where, where)
        check("the action shows as done", "Klar" in text("table"))
        shot("workspace-action-done.png")

        # The person page from the kommun's side, and the same pages at 768 px.
        browser.navigate(url("kommun", person))
        page_checks("person page")
        shot("workspace-person.png")
        tablet = Workspace(width=768, height=1000)
        try:
            cookie = browser.call("Network.getCookies", urls=[url("kommun", "/")])["cookies"]
            tablet.call("Network.setCookies", cookies=[{k: c[k] for k in ("name", "value", "domain", "path")} for c in cookie])
            for path in ["/inkorg", person, sip_page, person + "/plan"]:
                tablet.navigate(url("kommun", path))
                width = tablet.evaluate("document.documentElement.scrollWidth")
                check(f"768 px: {path.split('/')[-1] or 'inkorg'} fits without sideways scrolling", width <= 768, width)
            tablet.navigate(url("kommun", person))
            tablet.shot(os.path.join(args.out, "workspace-person-768.png"), 768)
        finally:
            tablet.close()

        # Keyboard: the first Tab reaches the skip link, and focus is visible.
        browser.navigate(url("kommun", "/inkorg"))
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        browser.call("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        focus = browser.evaluate("(() => { const e = document.activeElement; return {text: e.textContent, outline: getComputedStyle(e).outlineStyle}; })()")
        check("keyboard: Tab reaches the skip link first, with a visible focus", focus["text"] == "Hoppa till innehållet" and focus["outline"] != "none", focus)
    finally:
        browser.close()
    print(f"workspace browser test: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
