#!/usr/bin/env python3
"""Opens every dashboard page of a running `trisam dev` in headless Chromium over the DevTools
protocol, checks that each renders the expected data, has labelled controls, enough contrast and
no console errors, checks the live update of the queue, and saves screenshots.

Usage: browser_test.py --base http://127.0.0.1:8080 --token TOKEN --out docs/screenshots
       [--simulate "trisam simulate ..."]   (a command that adds flags while the queue is open)
"""
import argparse, base64, json, os, shlex, shutil, subprocess, sys, tempfile, time, urllib.request

import websocket  # Debian: python3-websocket (PyPI: websocket-client)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Browser:
    def __init__(self, width=1440, height=1000):
        self.profile = tempfile.mkdtemp(prefix="trisam-chromium-")
        self.process = subprocess.Popen([
            CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--lang=sv-SE",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.errors = []
        self.urls = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def _record(self, message):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.errors.append("exception: " + params["exceptionDetails"].get("text", "") + " " +
                               str(params["exceptionDetails"].get("exception", {}).get("description", "")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append("log: " + params["entry"].get("text", "") + " " + params["entry"].get("url", ""))
        elif method == "Network.requestWillBeSent":
            self.urls.append(params["request"]["url"])
        elif method == "Network.responseReceived":
            status = params["response"]["status"]
            if status >= 400:
                self.errors.append(f"http {status}: {params['response']['url']}")
        self.events.append(message)

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        for index, message in enumerate(self.events):
            if message.get("method") == method:
                del self.events[: index + 1]
                return message
        self.ws.settimeout(1)
        try:
            while time.time() < deadline:
                try:
                    message = json.loads(self.ws.recv())
                except websocket.WebSocketTimeoutException:
                    continue
                self._record(message)
                if message.get("method") == method:
                    self.events.clear()
                    return message
        finally:
            self.ws.settimeout(60)
        raise RuntimeError(f"timed out waiting for {method}")

    def navigate(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path, full_page=True, max_height=2600):
        metrics = self.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(size["height"], max_height) if full_page else 1000
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=full_page,
                         clip={"x": 0, "y": 0, "width": 1440, "height": height, "scale": 1})
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


# Common checks run on every page: language, one h1, labelled controls, contrast of text (WCAG AA).
PAGE_CHECKS = r"""
(() => {
  const problems = [];
  if (document.documentElement.lang !== 'sv') problems.push('html lang is not sv');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = (control.id && document.querySelector('label[for="' + control.id + '"]')) || control.getAttribute('aria-label');
    if (!labelled) problems.push('control without label: ' + (control.name || control.id));
  }
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(',').map(Number); return p.length > 3 && p[3] === 0 ? null : p; };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; } return [255, 255, 255]; };
  let checked = 0;
  for (const el of document.querySelectorAll('main p, main td, main th, main a, main label, main button, main h1, main h2, main h3, main li, main summary, header a, header span, header button, main .badge')) {
    if (!el.textContent.trim() || el.closest('svg') || el.offsetParent === null) continue;
    const fg = rgb(getComputedStyle(el).color); if (!fg) continue;
    const bg = background(el);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' on "' + el.textContent.trim().slice(0, 40) + '"');
  }
  return {problems: problems.slice(0, 10), checked};
})()
"""

SEARCH_NUMBER = "19121212-1212"


def written_forms(number):
    """Every written form of a personnummer a URL could carry."""
    twelve = "".join(c for c in number if c.isdigit())
    ten = twelve[2:]
    return [twelve, ten, f"{twelve[:8]}-{twelve[8:]}", f"{ten[:6]}-{ten[6:]}", f"{ten[:6]}%2D{ten[6:]}", f"{twelve[:8]}%2D{twelve[8:]}"]


def search_export_print(browser, base, args, check, page_checks):
    """Issue 21: finding a person by personnummer and by short reference, the queue's CSV export
    and the person page's print view."""
    # A person registered at kommun with samordning consent, so the coordinator knows them.
    kommun = (args.kommun or base.rsplit(":", 1)[0] + ":" + str(int(base.rsplit(":", 1)[1]) + 1)).rstrip("/")
    def post(path, body):
        request = urllib.request.Request(kommun + path, data=json.dumps(body).encode(), headers={
            "Authorization": f"Bearer {args.kommun_token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response)
    ref = post("/persons", {"personnummer": SEARCH_NUMBER, "name": "Tolvan Tolvansson"})["clientRef"]
    today = time.strftime("%Y-%m-%d")
    post(f"/persons/{ref}/consents", {"purpose": "samordning", "agencies": ["kommun", "af", "fk", "region"],
                                      "validUntil": f"{int(today[:4]) + 1}{today[4:]}", "givenOn": today})

    # By personnummer: typed into the form (POST), the answer leads to the person's page.
    browser.urls.clear()
    landed = ""
    deadline = time.time() + 45
    while time.time() < deadline:
        browser.navigate(base + "/sok")
        browser.evaluate(f"document.getElementById('nummer').value = {json.dumps(SEARCH_NUMBER)}; "
                         "document.getElementById('nummer').form.submit(); true")
        browser.wait_for("Page.loadEventFired")
        landed = browser.evaluate("location.pathname + location.search")
        if landed.startswith("/personer/"):
            break
        time.sleep(1)
    check("a search by personnummer leads to the person's page (the clientRef kommun was given)", landed == f"/personer/{ref}", landed)
    leaked = [u for u in browser.urls for form in written_forms(SEARCH_NUMBER) if form in u]
    check("the personnummer is in no URL the browser asked for", not leaked and browser.urls, leaked[:3])

    browser.navigate(base + "/sok")
    page_checks("search")
    browser.evaluate("document.getElementById('nummer').value = '19121212-1213'; document.getElementById('nummer').form.submit(); true")
    browser.wait_for("Page.loadEventFired")
    wrong = browser.evaluate("(document.getElementById('nummer-meddelande') || {}).textContent || ''")
    check("a mistyped personnummer is refused in Swedish beside the field", wrong.startswith("Personnummer: kontrollsiffran stämmer inte"), wrong)
    page_checks("search refused", status=400)
    browser.screenshot(os.path.join(args.out, "search.png"), full_page=False)

    # By the short reference a page shows: one match opens the person's page, none is said beside the field.
    browser.navigate(base + "/")
    link = browser.evaluate("(() => { const a = document.querySelector('table.queue tbody tr[data-rule] a[href^=\"/personer/\"]'); "
                            "return a ? [a.getAttribute('href'), a.textContent.trim()] : null; })()")
    if link:
        short = link[1].split()[-1]
        browser.navigate(base + "/sok")
        browser.evaluate(f"document.getElementById('referens').value = {json.dumps(short)}; document.getElementById('referens').form.submit(); true")
        browser.wait_for("Page.loadEventFired")
        check("a search by the short reference shown in the queue opens that person's page",
              browser.evaluate("location.pathname") == link[0], (short, browser.evaluate("location.pathname")))
    browser.navigate(base + "/sok")
    browser.evaluate("document.getElementById('referens').value = '0000000'; document.getElementById('referens').form.submit(); true")
    browser.wait_for("Page.loadEventFired")
    none = browser.evaluate("(document.getElementById('referens-meddelande') || {}).textContent || ''")
    check("a reference nobody has is said in Swedish beside the field", none.startswith("Ingen person har en personreferens"), none)

    # The CSV export of the filtered queue: the link carries the filter and downloads the file.
    browser.navigate(base + "/?allvarlighet=high")
    href = browser.evaluate("(document.querySelector('a[href^=\"/ko.csv\"]') || {getAttribute: () => ''}).getAttribute('href')")
    check("the queue links to its CSV export with the current filter", href == "/ko.csv?allvarlighet=high", href)
    downloads = tempfile.mkdtemp(prefix="trisam-downloads-")
    try:
        browser.call("Page.setDownloadBehavior", behavior="allow", downloadPath=downloads)
        browser.evaluate("document.querySelector('a[href^=\"/ko.csv\"]').click(); true")
        files = []
        deadline = time.time() + 20
        while time.time() < deadline:
            files = [f for f in os.listdir(downloads) if f.endswith(".csv")]
            if files:
                break
            time.sleep(0.3)
        check("the export downloads a .csv file named for the day", len(files) == 1 and files[0].startswith("trisam-att-agera-pa-"), files)
        if files:
            data = open(os.path.join(downloads, files[0]), "rb").read()
            lines = data[3:].decode("utf-8").split("\r\n")
            expected = "Personreferens;Allvarlighet;Regel;Varför personen har fastnat;Verksamhet som ska agera;Ålder i dagar;Sedan;Flaggad;Fullständig personreferens"
            check("the file is UTF-8 with a BOM, ; between fields and Swedish column names",
                  data[:3] == b"\xef\xbb\xbf" and lines[0] == expected, lines[0])
            rows = [line for line in lines[1:] if line]
            check("the file holds the filtered queue: every row of high severity",
                  rows and all(line.split(";")[1] == "Hög" for line in rows), rows[:2])
    finally:
        shutil.rmtree(downloads, ignore_errors=True)
    browser.errors[:] = [e for e in browser.errors if "net::ERR_ABORTED" not in e]

    # The print view of a person page (one in the queue, with flags): a "Skriv ut" button,
    # navigation and live parts hidden.
    person = link[0] if link else f"/personer/{ref}"
    browser.navigate(base + person)
    button = browser.evaluate("(document.querySelector('a.button[href$=\"?utskrift=1\"]') || {}).textContent || ''")
    check("the person page has a ”Skriv ut” button leading to the print view", button == "Skriv ut", button)
    browser.call("Emulation.setEmulatedMedia", media="print")
    printed = browser.evaluate(r"""(() => ({
      nav: getComputedStyle(document.querySelector('header nav')).display,
      logout: getComputedStyle(document.querySelector('form.logout')).display,
      button: getComputedStyle(document.querySelector('a.button')).display,
      footer: getComputedStyle(document.querySelector('footer.bottom')).display,
    }))()""")
    check("printing the person page hides the navigation, the logout and the buttons",
          all(v == "none" for v in printed.values()), printed)
    browser.call("Emulation.setEmulatedMedia", media="")
    browser.navigate(base + person + "?utskrift=1")
    view = browser.evaluate(r"""(() => ({
      utskrift: document.body.classList.contains('utskrift'),
      nav: !!document.querySelector('nav[aria-label="Huvudmeny"]') && getComputedStyle(document.querySelector('nav[aria-label="Huvudmeny"]')).display !== 'none',
      print: (document.querySelector('button[data-print]') || {}).textContent || '',
      notice: (document.querySelector('.print-notice') || {}).textContent || '',
      closed: document.querySelectorAll('details:not([open])').length,
      live: !!document.querySelector('[data-live], #live-status'),
    }))()""")
    check("the print view: no navigation, every detail open, a ”Skriv ut” button and who printed it when",
          view["utskrift"] and not view["nav"] and view["print"] == "Skriv ut" and view["closed"] == 0
          and view["notice"].startswith("Utskriven ") and not view["live"], view)
    page_checks("person print view")
    browser.call("Emulation.setEmulatedMedia", media="print")
    browser.screenshot(os.path.join(args.out, "person-print.png"))
    browser.call("Emulation.setEmulatedMedia", media="")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--simulate", help="command that adds people (and flags) while the queue is open")
    parser.add_argument("--min-rules", type=int, default=5, help="distinct rules the demo queue must show")
    parser.add_argument("--kommun", help="kommun's agency service (default: the port after --base)")
    parser.add_argument("--kommun-token", default="trisam-demo-token-kommun")
    args = parser.parse_args()
    if not CHROMIUM:
        print("chromium not found (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    base = args.base.rstrip("/")
    passed, failed = 0, 0
    browser = Browser()

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
            # An error page's own status is what was asked for, not an error of the page.
            url = browser.evaluate("location.href")
            errors = [e for e in errors if not (url in e and (f"http {status}:" in e or f"status of {status}" in e))]
        check(f"{name}: no console errors", not errors, errors)

    try:
        # Login.
        browser.navigate(base + "/")
        check("unauthenticated / leads to the login page", browser.evaluate("location.pathname") == "/logga-in")
        page_checks("login")
        browser.screenshot(os.path.join(args.out, "login.png"), full_page=False)
        browser.evaluate(f"document.getElementById('token').value = {json.dumps(args.token)}; document.querySelector('form').submit(); true")
        browser.wait_for("Page.loadEventFired")
        check("login with the demo token opens the queue", browser.evaluate("location.pathname") == "/",
              browser.evaluate("location.href"))

        # Queue.
        browser.navigate(base + "/")
        queue = browser.evaluate(r"""(() => {
          const rows = [...document.querySelectorAll('table.queue tbody tr[data-person]')];
          const items = [...document.querySelectorAll('table.queue tbody li.flag-item[data-rule]')];
          const order = {'Hög': 2, 'Medel': 1, 'Låg': 0};
          const severities = rows.map(r => order[r.querySelector('.badge').textContent.trim()]);
          return {
            rows: rows.length,
            flags: items.length,
            rules: [...new Set(items.map(r => r.dataset.rule))],
            sentences: items.filter(r => /[.!?]$/.test(r.querySelector('.sentence').textContent.trim())).length,
            actors: rows.filter(r => r.cells[2].textContent.trim().length > 0).length,
            links: rows.filter(r => r.querySelector('a[href^="/personer/"]')).length,
            people: new Set(rows.map(r => r.dataset.person)).size,
            sorted: severities.every((s, i) => i === 0 || severities[i - 1] >= s),
            heading: document.querySelector('#ko-rubrik').textContent.trim(),
            tabs: [...document.querySelectorAll('nav.views a')].map(a => a.textContent.trim()),
          };
        })()""")
        check("queue shows open flags", queue["rows"] > 0, queue)
        # The rules of the whole queue, page by page (200 people a page).
        all_rules, page_url, pages = set(), base + "/?perSida=200", 0
        while page_url and pages < 20:
            browser.navigate(page_url)
            found = browser.evaluate(r"""(() => ({
              rules: [...document.querySelectorAll('table.queue tbody li.flag-item[data-rule]')].map(r => r.dataset.rule),
              next: (document.querySelector('a[rel=next]') || {}).href || ''}))()""")
            all_rules |= set(found["rules"])
            page_url, pages = found["next"], pages + 1
        queue["rules"] = sorted(all_rules, key=lambda r: (r not in queue["rules"], r))
        browser.navigate(base + "/")
        check(f"queue shows at least {args.min_rules} different rules", len(queue["rules"]) >= args.min_rules, queue["rules"])
        check("every flag is one sentence and every row says who should act",
              queue["sentences"] == queue["flags"] and queue["actors"] == queue["rows"], queue)
        check("every row links to the person, one row per person", queue["links"] == queue["rows"] == queue["people"], queue)
        check("a page holds at most 50 people", 0 < queue["rows"] <= 50, queue["rows"])
        check("rows are sorted by severity", queue["sorted"])
        check("the views Alla, Mina, Ej tilldelade and Bortlagda, with counts",
              [t.split(" (")[0] for t in queue["tabs"]] == ["Alla", "Mina", "Ej tilldelade", "Bortlagda"], queue["tabs"])
        sip_plan_rules = ["sip-invitation-unanswered", "sip-not-held", "plan-action-overdue"]
        check("queue shows the SIP and plan flags", all(r in queue["rules"] for r in sip_plan_rules),
              [r for r in sip_plan_rules if r not in queue["rules"]])
        page_checks("queue")
        browser.screenshot(os.path.join(args.out, "queue.png"), max_height=1600)

        # Filters as a GET form.
        rule = queue["rules"][0] if queue["rules"] else "grey-zone"
        browser.evaluate(f"document.getElementById('regel').value = {json.dumps(rule)}; document.querySelector('form.filters').submit(); true")
        browser.wait_for("Page.loadEventFired")
        filtered = browser.evaluate("[...document.querySelectorAll('table.queue tbody li.flag-item[data-rule]')].map(r => r.dataset.rule)")
        check(f"filter by rule {rule} keeps only that rule", filtered and all(r == rule for r in filtered), filtered[:5])
        check("the filter is in the address (GET form)", f"regel={rule}" in browser.evaluate("location.search"))

        # A refused filter names the filter and says nothing about how many flags are open.
        browser.navigate(base + "/?minstDagar=tio")
        refused = browser.evaluate(r"""(() => ({
          alert: (document.querySelector('.error[role=alert]') || {}).textContent || '',
          count: !!document.getElementById('antal'),
        }))()""")
        check("a refused filter names it in Swedish and shows no count of flags",
              refused["alert"].startswith("Minst antal dagar:") and not refused["count"], refused)
        page_checks("refused filter", status=400)

        # An unknown path answers a Swedish page in the dashboard's layout.
        browser.navigate(base + "/finns-inte")
        missing = browser.evaluate(r"""(() => ({h1: document.querySelector('h1').textContent, lang: document.documentElement.lang,
          nav: !!document.querySelector('nav[aria-label="Huvudmeny"]')}))()""")
        check("an unknown path answers the Swedish page ”Sidan finns inte” in the layout",
              missing == {"h1": "Sidan finns inte", "lang": "sv", "nav": True}, missing)
        page_checks("page not found", status=404)
        browser.screenshot(os.path.join(args.out, "not-found.png"), full_page=False)

        # Person: prefer one whose flag is about nobody owning an area.
        browser.navigate(base + "/")
        person_path = browser.evaluate("""(() => {
          const prefer = ['af-deregistered-no-takeover', 'handover-not-opened', 'ping-pong'];
          for (const rule of prefer) { const item = document.querySelector('li.flag-item[data-rule="' + rule + '"]'); if (item) return item.closest('tr').querySelector('a').getAttribute('href'); }
          return document.querySelector('table.queue tbody tr[data-person] a').getAttribute('href');
        })()""")
        browser.navigate(base + person_path)
        person = browser.evaluate(r"""(() => ({
          h1: document.querySelector('h1').textContent,
          chart: !!document.querySelector('svg#agarskap'),
          owned: document.querySelectorAll('svg#agarskap g.segment:not(.gap):not(.not-needed)').length,
          gaps: document.querySelectorAll('svg#agarskap g.segment.gap').length,
          areas: [...document.querySelectorAll('svg#agarskap text.chart-label')].map(t => t.textContent),
          flags: document.querySelectorAll('.flag').length,
          events: document.querySelectorAll('table.events tbody tr').length,
          effective: [...document.querySelectorAll('table.events tbody tr')].filter(r => /\d/.test(r.cells[0].textContent)).length,
          evidence: document.querySelectorAll('.flag details.evidence tbody tr').length,
          active: document.querySelectorAll('table.owners ul.active li').length,
          sections: [...document.querySelectorAll('main h2')].map(h => h.textContent),
        }))()""")
        check("person page names the person", person["h1"].startswith("Person "), person["h1"])
        check("person page draws the ownership chart for the four areas",
              person["chart"] and person["areas"] == ["Försörjning", "Arbete/aktivitet", "Hälsa/vård", "Samordning"], person)
        check("the chart shows owners and gaps", person["owned"] > 0 and person["gaps"] > 0, person)
        check("person page shows the open flags and the event history", person["flags"] > 0 and person["events"] > 0, person)
        check("the event history shows the day each fact took effect beside the time it was recorded",
              person["effective"] > 0, person)
        check("each flag lists the events it rests on", person["evidence"] >= person["flags"], person)
        check("the owners table lists the agencies active in each area", person["active"] > 0, person)
        check("person page has referrals, SIP and plan sections",
              all(s in person["sections"] for s in ["Öppna remisser", "SIP-möten", "Handlingsplan", "Händelser"]), person["sections"])
        page_checks("person")
        browser.screenshot(os.path.join(args.out, "person.png"))

        # Work on flags: take, comment, set aside (refused first, then accepted), close, and the views.
        def submit_work(path, index, kind, fields):
            browser.navigate(base + path)
            browser.evaluate(f"""(() => {{
              const panel = document.querySelectorAll('.flag .work-panel')[{index}];
              const form = [...panel.querySelectorAll('form')].find(f => f.querySelector('input[name=atgard]').value === {json.dumps(kind)});
              const details = form.closest('details'); if (details) details.open = true;
              for (const [name, value] of Object.entries({json.dumps(fields)})) form.querySelector('[name="' + name + '"]').value = value;
              form.submit(); return true;
            }})()""")
            browser.wait_for("Page.loadEventFired")
            return browser.evaluate(r"""(() => ({
              url: location.pathname + location.search,
              notice: (document.querySelector('.notice') || {}).textContent || '',
              alert: (document.querySelector('main .error[role=alert]') || {}).textContent || '',
              errors: [...document.querySelectorAll('.field-error')].map(e => e.textContent.trim()),
              work: [...document.querySelectorAll('.flag .work-panel p.work')].map(p => p.textContent.trim()),
              history: [...document.querySelectorAll('.flag .work-panel ol.history')].map(o => o.textContent.replace(/\s+/g, ' ')),
              flags: [...document.querySelectorAll('.flag .work-panel')].map(p => p.querySelector('input[name=flagga]') ? p.querySelector('input[name=flagga]').value : ''),
              today: (document.querySelector('input[name=dueOn]') || {}).min || '',
              tomorrow: (document.querySelector('input[name=until]') || {}).min || '',
            }))()""")

        def queue_rows(query):
            browser.navigate(base + "/" + query)
            return browser.evaluate(r"""(() => ({
              people: [...document.querySelectorAll('table.queue tbody tr[data-person]')].map(r => r.dataset.person),
              flags: [...document.querySelectorAll('table.queue tbody li.flag-item')].map(l => l.dataset.flag),
              heading: document.querySelector('#ko-rubrik').textContent.trim(),
              tabs: Object.fromEntries([...document.querySelectorAll('nav.views a')].map(a => [a.dataset.view, parseInt(a.querySelector('.count').textContent.replace(/\D/g, ''), 10)])),
              current: (document.querySelector('nav.views a[aria-current=page]') || {dataset: {}}).dataset.view,
              next: (document.querySelector('a[rel=next]') || {}).href || '',
              previous: (document.querySelector('a[rel=prev]') || {}).href || '',
              range: (document.getElementById('sidor') || {}).textContent || '',
            }))()""")

        everyone = queue_rows("?perSida=200")
        paths = [f"/personer/{ref}" for ref in everyone["people"]]
        person_a, person_b, person_c = paths[0], paths[1], paths[2]
        taken = submit_work(person_a, 0, "take", {})
        check("Ta: the flag is taken by the one logged in, back on the person page with a notice",
              "klart=take" in taken["url"] and taken["notice"] == "Du har tagit flaggan." and taken["work"][0].startswith("Tagen av Sara Samordnare"), taken)
        flag_a = taken["flags"][0]
        comment = "Ringt Försäkringskassan, handläggaren återkommer i morgon."
        commented = submit_work(person_a, 0, "comment", {"comment": comment})
        check("Kommentera: the comment is in the flag's history with who wrote it",
              f"Sara Samordnare: Kommentar: ”{comment[:-1]}”" in commented["history"][0], commented["history"][:1])
        today, tomorrow = commented["today"], commented["tomorrow"]
        refused = submit_work(person_a, 0, "set-aside", {"until": today, "reason": "Väntar på läkarintyg"})
        typed = browser.evaluate("document.querySelectorAll('.flag .work-panel')[0].querySelector('form.set-aside input[name=reason]').value")
        check("a refused set-aside says why beside the date, in Swedish, and keeps what was typed",
              "Välj ett datum efter i dag." in refused["errors"] and typed == "Väntar på läkarintyg" and refused["alert"], (refused, typed))
        page_checks("refused form", status=400)
        until = (__import__("datetime").date.fromisoformat(tomorrow) + __import__("datetime").timedelta(days=6)).isoformat()
        aside = submit_work(person_a, 0, "set-aside", {"until": until, "reason": "Väntar på läkarintyg"})
        check("Lägg åt sidan till: the flag waits until the day, with the reason in its history",
              "klart=set-aside" in aside["url"] and "bortlagd till" in aside["work"][0] and "Lade flaggan åt sidan till" in aside["history"][0], aside)
        page_checks("person with work on a flag")
        browser.screenshot(os.path.join(args.out, "person-work.png"), max_height=1800)
        closing = submit_work(person_b, 0, "close", {"reason": "Personen har flyttat till en annan kommun"})
        flag_b = closing["flags"][0] if closing["flags"] else ""
        check("Stäng – ingen brist: closed with the reason",
              "klart=close" in closing["url"] and "Stängd – ingen brist" in closing["work"][0]
              and "Stängde flaggan – ingen brist. Skäl: Personen har flyttat till en annan kommun." in closing["history"][0], closing)
        mine_taken = submit_work(person_c, 0, "take", {})
        flag_c = mine_taken["flags"][0]

        views = {view: queue_rows(f"?perSida=200{'&vy=' + view if view else ''}") for view in ["", "mina", "ej-tilldelade", "bortlagda"]}
        check("Alla leaves out the flags set aside and closed", flag_a not in views[""]["flags"] and flag_b not in views[""]["flags"]
              and flag_c in views[""]["flags"], views[""]["flags"][:5])
        check("Mina holds the flag taken (and not the one set aside)", flag_c in views["mina"]["flags"] and flag_a not in views["mina"]["flags"],
              views["mina"]["flags"])
        check("Ej tilldelade leaves out the flags taken", flag_c not in views["ej-tilldelade"]["flags"], views["ej-tilldelade"]["flags"][:5])
        check("Bortlagda holds the flag set aside", flag_a in views["bortlagda"]["flags"], views["bortlagda"]["flags"])
        agree = {v: (r["current"], r["tabs"].get(v), len(r["people"]), r["heading"]) for v, r in views.items()}
        check("each view's count agrees with its heading and its rows",
              all(r["current"] == v and f"{r['tabs'][v]} person" in r["heading"] and r["tabs"][v] == len(r["people"])
                  for v, r in views.items()), agree)
        check("the counts of the views agree with each other",
              all(r["tabs"] == views[""]["tabs"] for r in views.values()) and views[""]["tabs"]["mina"] >= 1, [r["tabs"] for r in views.values()])

        # Paging: ten people a page, next and previous keep the filter.
        first = queue_rows("?perSida=10")
        if views[""]["tabs"][""] > 10:
            browser.navigate(first["next"])
            second = queue_rows(first["next"].split("/", 3)[3])
            check("the next page shows the next ten people, and says which",
                  len(second["people"]) > 0 and not set(second["people"]) & set(first["people"]) and second["range"].startswith("Visar 11–"), (first, second))
            check("the pages follow the order of the whole queue",
                  first["people"] + second["people"] == views[""]["people"][:len(first["people"]) + len(second["people"])])
            back = queue_rows(second["previous"].split("/", 3)[3])
            check("the previous page is the first again", back["people"] == first["people"], back)
            high = queue_rows("?perSida=10&allvarlighet=high")
            check("the page links keep the filter", not high["next"] or ("allvarlighet=high" in high["next"] and "perSida=10" in high["next"]), high["next"])
        else:
            check("more than ten people in the demo queue, to page through", False, views[""]["tabs"])

        # SIP calendar: overdue meetings and follow-ups, upcoming ones, SIPs requested and not booked.
        browser.navigate(base + "/sip-kalender")
        calendar = browser.evaluate(r"""(() => {
          const section = id => [...document.querySelectorAll('section[aria-labelledby="' + id + '"] tbody tr')]
            .filter(r => !r.querySelector('.empty'))
            .map(r => ({kind: r.cells[1].textContent.trim(), link: r.querySelector('a[href^="/personer/"]') ? r.querySelector('a').getAttribute('href') : null}));
          return {h1: document.querySelector('h1').textContent, tables: document.querySelectorAll('table.calendar').length,
                  overdue: section('forsenade'), upcoming: section('kommande'), unbooked: section('obokade')};
        })()""")
        kinds = lambda rows: sorted({r["kind"] for r in rows})
        summary = {k: (len(calendar[k]), kinds(calendar[k])) for k in ("overdue", "upcoming", "unbooked")}
        check("SIP calendar has its three tables", calendar["h1"] == "SIP-kalender" and calendar["tables"] == 3, calendar["h1"])
        check("overdue: SIP meetings not held and plan follow-ups passed",
              {"SIP-möte", "Uppföljning av plan"} <= set(kinds(calendar["overdue"])), summary)
        check("upcoming: booked SIP meetings and plan follow-ups",
              {"SIP-möte", "Uppföljning av plan"} <= set(kinds(calendar["upcoming"])), summary)
        check("SIPs requested and not booked are listed", len(calendar["unbooked"]) > 0, summary)
        check("every calendar row links to its person",
              all(r["link"] for k in ("overdue", "upcoming", "unbooked") for r in calendar[k]), summary)
        page_checks("calendar")
        browser.screenshot(os.path.join(args.out, "calendar.png"), max_height=4800)

        # A person with a handlingsplan (from the calendar's follow-ups): actions with owner, due
        # date and status, some done, some overdue once the clock has moved.
        plan_people = [r["link"] for r in calendar["overdue"] + calendar["upcoming"] if r["kind"] == "Uppföljning av plan"]
        best = None
        for path in plan_people[:12]:
            browser.navigate(base + path)
            plan = browser.evaluate(r"""(() => {
              const section = document.querySelector('section[aria-labelledby="plan"]');
              const rows = [...section.querySelectorAll('tbody tr')].filter(r => !r.querySelector('.empty'));
              return {
                lead: (section.querySelector('p strong') || {}).textContent || '',
                followUp: /Uppföljning \d/.test(section.textContent),
                actions: rows.map(r => ({description: r.cells[0].textContent.trim(), owner: r.cells[1].textContent.trim(),
                                         due: r.cells[2].textContent.trim(), status: r.cells[3].textContent.trim()})),
                sips: document.querySelectorAll('section[aria-labelledby="sip"] .sip').length,
              };
            })()""")
            statuses = {a["status"].split(" ")[0] for a in plan["actions"]}
            if best is None or len(statuses) > len({a["status"].split(" ")[0] for a in best[1]["actions"]}):
                best = (path, plan)
            if {"Klar", "Försenad"} <= statuses:
                break
        check("a person with a plan is linked from the calendar", best is not None, plan_people[:3])
        if best:
            path, plan = best
            browser.navigate(base + path)
            statuses = {a["status"].split(" ")[0] for a in plan["actions"]}
            check("the plan names its lead agency and follow-up date", plan["lead"] == "Kommunen" and plan["followUp"], plan)
            check("each plan action has an owner and a due date",
                  len(plan["actions"]) >= 2 and all(a["owner"] and a["due"][:1].isdigit() for a in plan["actions"]), plan["actions"])
            check("plan actions show done and overdue ones", {"Klar", "Försenad"} <= statuses, plan["actions"])
            page_checks("person with plan")
            browser.screenshot(os.path.join(args.out, "person-plan.png"))

        # A person whose booked SIP meeting passed without being registered as held.
        sip_people = [r["link"] for r in calendar["overdue"] if r["kind"] == "SIP-möte"]
        if sip_people:
            browser.navigate(base + sip_people[0])
            sip = browser.evaluate(r"""(() => [...document.querySelectorAll('section[aria-labelledby="sip"] .sip')].map(d => d.textContent.replace(/\s+/g, ' ').trim()))()""")
            check("the person page shows the SIP meeting that was not held, with the answers",
                  any("passerat utan att mötet registrerats som hållet" in t and "tackat ja" in t for t in sip), sip)

        # Overview.
        browser.navigate(base + "/oversikt")
        overview = browser.evaluate(r"""(() => ({
          charts: [...document.querySelectorAll('svg.chart')].map(s => s.id),
          bars: document.querySelectorAll('svg#per-regel rect').length,
          trend: document.querySelectorAll('svg#trend polyline').length,
          ownership: document.querySelectorAll('svg#agarskap-per-myndighet rect').length,
        }))()""")
        check("overview draws flags per rule, trend, referral times and ownership",
              overview["charts"] == ["per-regel", "trend", "remisstider", "agarskap-per-myndighet"], overview)
        check("overview charts carry data", overview["bars"] >= args.min_rules and overview["trend"] == 2 and overview["ownership"] > 4, overview)
        page_checks("overview")
        browser.screenshot(os.path.join(args.out, "overview.png"))

        search_export_print(browser, base, args, check, page_checks)

        # Live update: open the queue, add flags through the agency services, wait for the queue to change.
        if args.simulate:
            browser.navigate(base + "/?perSida=200")
            before = browser.evaluate("document.getElementById('antal').textContent")
            subprocess.run(shlex.split(args.simulate), check=True, stdout=subprocess.DEVNULL)
            deadline = time.time() + 45
            after, status = before, ""
            while time.time() < deadline:
                after = browser.evaluate("document.getElementById('antal').textContent")
                status = browser.evaluate("document.getElementById('live-status').textContent")
                if after != before and status.startswith("Uppdaterad"):
                    break
                time.sleep(1)
            check("the queue updates without reload when flags arrive", after != before and status.startswith("Uppdaterad"),
                  f"before {before}, after {after}, status {status!r}")
            news = browser.evaluate("({title: document.title, badges: document.querySelectorAll('tr.new .badge.new').length, rows: document.querySelectorAll('tr.new').length})")
            check("new rows are marked Ny and the tab's title counts them",
                  news["badges"] > 0 and news["badges"] == news["rows"] and news["title"] == f"({news['rows']} nya) Att agera på – Trisam", news)
            browser.screenshot(os.path.join(args.out, "queue-live.png"), full_page=False)
            check("live update: no console errors", not browser.errors, browser.errors)
    finally:
        browser.close()
    print(f"browser test: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
