"""The patient's history as a page a person reads and prints (DESIGN §5.2).

Built from the export document, so it shows the snapshot of the log the JSON export
proves: every entry with who made it (name, role), when (clinical and recorded time), what
it says and why; voided entries stay, struck through, with who voided them, when and why.
Everything shown is escaped: names, reasons and notes are typed in by people.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape

from api.formats.html_progress import progress_by_side
from api.formats.proof import proven_against
from domain.personal_data import ERASED, PersonalData
from domain.vocabulary import AREAS

HTML = "text/html"  # the response adds "; charset=utf-8"
HIDDEN = {"originator_topic", "reason"}  # library bookkeeping; the reason has its own line

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; color: #111; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: .25rem; } h2 { margin-top: 2rem; font-size: 1.1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .25rem 0; }
dt { color: #555; } dd { margin: 0; }
.entry { border-top: 1px solid #ccc; padding: .5rem 0; }
.entry h3 { display: inline; font-size: 1rem; margin: 0 .5rem; }
.position, .record { color: #555; font-size: .85rem; }
.voided del, .voided .struck { text-decoration: line-through; color: #777; }
.void { color: #a00; margin: .25rem 0; }
.why { font-style: italic; }
.late { color: #8a4b00; font-weight: bold; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .1rem .4rem; }
@media print {
  body { font-size: 10pt; max-width: none; margin: 0; padding: 0; }
  @page { margin: 15mm; }
  .entry { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .void { color: #000; font-weight: bold; }
}
"""


def html_copy(export: dict, person: PersonalData | None) -> str:
    """The page (`person` is None once erased: the header says "[erased]")."""
    history = export["history"]
    registered = next((e["details"] for e in history if e["event_type"] == "Registered"), {})
    voided = sum(1 for entry in history if entry["voided_by"])
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        f"<title>Clinical record {text(registered.get('mrn', export['patient_id']))}</title>",
        f"<style>{STYLE}</style>\n</head>\n<body>",
        _patient(export, registered, person), _checkpoint(export),
        progress_by_side(history),
        f"<h2>History: {len(history)} entries, {voided} voided</h2>",
        *(_entry(entry) for entry in history),
        "</body>\n</html>\n"])


def text(value: object) -> str:
    return escape(str(value), quote=True)


def when(iso: str | None) -> str:
    """A time as a person reads it (UTC), with the exact value for machines."""
    if not iso:
        return "—"
    shown = datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f'<time datetime="{text(iso)}">{shown}</time>'


def _patient(export: dict, registered: dict, person: PersonalData | None) -> str:
    name = person.name if person else ERASED
    born = person.date_of_birth.isoformat() if person else ERASED
    return _fields("header", "patient", {
        "Name": text(name), "Date of birth": text(born),
        "Clinic": text(registered.get("clinic", "")), "MRN": text(registered.get("mrn", "")),
        "Patient id": text(export["patient_id"])}, heading="<h1>Clinical record</h1>")


def _checkpoint(export: dict) -> str:
    checkpoint = proven_against(export)
    return _fields("section", "proof", {
        "Log": text(checkpoint["origin"]), "Log size": text(checkpoint["size"]),
        "Merkle root": f"<code>{text(checkpoint['root'])}</code>",
        "Witnessed by": text(", ".join(checkpoint["witnesses"]) or "no witness"),
        "Exported at": when(export["exported_at"]),
        "How to check": "every entry's inclusion proof, the proof that none is left out and "
                        "the signed checkpoint are in the JSON export (format=json): "
                        "<code>python -m api.verify_export EXPORT.json --log-key LOG.vkey"
                        "</code>"},
        heading="<h2>Proven against the signed checkpoint</h2>")


def _fields(tag: str, kind: str, fields: dict[str, str], heading: str) -> str:
    rows = "".join(f"<dt>{text(label)}</dt><dd>{value}</dd>" for label, value in fields.items())
    return f'<{tag} class="{kind}">{heading}<dl>{rows}</dl></{tag}>'


def _entry(entry: dict) -> str:
    actor = entry["actor"] or {"name": "unknown", "role": "unknown"}
    body = (f'<p class="who">By <span class="actor">{text(actor["name"])}</span> '
            f'(<span class="role">{text(actor["role"])}</span>)</p>'
            f'<p class="when">Clinical time {when(entry["occurred_at"])}; recorded '
            f'{when(entry["recorded_at"])}</p>'
            f'{_late(entry.get("late_entry"))}'
            f'{_details(entry["details"])}{_why(entry["details"])}{_amendment(entry)}'
            f'{signature_notes(entry.get("signatures", []))}')
    voided = entry["voided_by"]
    if voided:
        body = (f'<del class="struck" datetime="{text(voided["at"] or "")}">{body}</del>'
                f'{_void_note(voided)}')
    marks = (" voided" if voided else "") + (" late" if entry.get("late_entry") else "")
    return (f'<article class="entry{marks}" '
            f'id="entry-{int(entry["position"])}" data-position="{int(entry["position"])}">'
            f'<span class="position">#{int(entry["position"])}</span>'
            f'<h3>{text(_words(entry["event_type"]))}</h3><span class="record">'
            f'{text(entry["record_type"])} {text(entry["record_id"])}, version '
            f'{int(entry["version"])}</span>{body}</article>')


def _late(late: dict | None) -> str:
    if not late:
        return ""
    why = f': <span class="reason">{text(late["reason"])}</span>' if late["reason"] else ""
    return (f'<p class="late">Late entry: recorded {int(late["hours_after"])} h after it'
            f' happened{why}</p>')


def _amendment(entry: dict) -> str:
    """An amendment and the entry it superseded link to each other."""
    notes = [(f"{kind} entry", link) for kind, link in (
        ("Amended by", entry.get("amended_by")), ("Supersedes", entry.get("supersedes")))
        if link]
    return "".join(f'<p class="amendment">{what} <a href="#entry-{int(link["position"])}">'
                   f'#{int(link["position"])}</a> (version {int(link["version"])})</p>'
                   for what, link in notes)


def signature_notes(signatures: list[dict]) -> str:
    """Each electronic signature of the entry: meaning, printed name, time (11.50)."""
    notes = []
    for signature in signatures:
        signer, revoked = signature["signer"] or {}, signature.get("revoked")
        note = (f'Signed ({text(signature["meaning"])}) by <span class="signer">'
                f'{text(signer.get("name", "unknown"))}</span> at {when(signature["at"])}')
        if revoked:
            note = (f'<del>{note}</del>; revoked by {text(revoked["actor"]["name"])} at'
                    f' {when(revoked["at"])}: <span class="reason">'
                    f'{text(revoked["reason"])}</span>')
        notes.append(f'<p class="signature">{note}</p>')
    return "".join(notes)


def _void_note(voided: dict) -> str:
    actor = voided["actor"] or {"name": "unknown", "role": "unknown"}
    return (f'<p class="void">Voided by <span class="actor">{text(actor["name"])}</span> '
            f'(<span class="role">{text(actor["role"])}</span>) at {when(voided["at"])}: '
            f'<span class="reason">{text(voided["reason"])}</span> '
            f'(<a href="#entry-{int(voided["position"])}">entry #{int(voided["position"])}'
            '</a>)</p>')


def _why(details: dict) -> str:
    screening = details.get("screening") or {}
    reasons = [details.get("reason"), *screening.get("reasons", []),
               (screening.get("answers") or {}).get("override_justification")]
    given = [reason for reason in reasons if reason]
    return f'<p class="why">Why: {text("; ".join(given))}</p>' if given else ""


def _details(details: dict) -> str:
    shown = {k: v for k, v in details.items() if k not in HIDDEN}
    return f'<dl class="details">{_rows(shown)}</dl>' if shown else ""


def _rows(fields: dict) -> str:
    return "".join(f"<dt>{text(_words(name))}</dt><dd>{_value(value)}</dd>"
                   for name, value in fields.items() if value not in (None, "", [], {}))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and set(value) == {"area", "laterality"}:
        return _site(value)
    if isinstance(value, dict):
        return f"<dl>{_rows(value)}</dl>"
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return "<ol>" + "".join(f"<li>{_value(item)}</li>" for item in value) + "</ol>"
    if isinstance(value, list):
        return text(", ".join(str(item) for item in value))
    return text(value)


def _site(site: dict) -> str:
    area = AREAS.get(site["area"])
    where = f"{area.region} ({area.name})".replace("_", " ") if area else site["area"]
    return f"{text(where)}, {text(site['laterality'])}"


def _words(name: str) -> str:
    """`AdverseEventReported` / `action_taken` → "Adverse event reported" / "action taken"."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced[:1].upper() + spaced[1:].lower() if name[:1].isupper() else spaced
