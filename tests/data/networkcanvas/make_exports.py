"""Rebuild the test exports: five interviews as Network Canvas writes them, CSV and GraphML.

Run from the repository root: ``python tests/data/networkcanvas/make_exports.py``.

The layout follows Network Canvas's exporter (complexdatacollective/network-exporters):
``<caseID>_<sessionID>_ego.csv``, ``..._attributeList_<NodeType>.csv``,
``..._edgeList_<EdgeType>.csv`` (CRLF, values quoted only when they hold a comma or a quote,
categorical variables as ``V_<option>`` true/false columns, layouts as ``L_x``/``L_y``), and
``<caseID>_<sessionID>.graphml`` (``<key>`` per variable with ``attr.name``, ego data on the
``<graph>``, ``nc:caseId``/``nc:sessionUUID`` attributes, layouts as ``L_X``/``L_Y``).
A session without alters has no attribute list (CSV) or no ``<node>`` (GraphML).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
EOL = "\r\n"
TYPES = ["Familie", "Kaereste", "Ven", "Medbeboer", "Personale", "Frivillig", "Nabo", "Anden"]
NS = uuid.UUID("12345678-1234-5678-1234-567812345678")

# (case, wave, site, start, alters);
# alter = (name, type, (x, y), contact, gives, receives, initiative, note)
SESSIONS = [
    ("B017", "Før", "Solsikken", "2026-03-02T10:00:00.000Z", [
        ("Hanne", "Familie", (0.50, 0.55), "Dagligt", True, True, "Begge", "Mor, ringer hver dag"),
        ("Ole", "Ven", (0.75, 0.50), "Ugentligt", True, False, "Borgeren", ""),
        ("Kirsten", "Personale", (0.60, 0.40), "Dagligt", False, True, "Personale", "Kontaktperson"),
    ]),
    ("B017", "Efter", "Solsikken", "2026-09-14T10:00:00.000Z", [
        ("hanne ", "Familie", (0.45, 0.50), "Dagligt", True, True, "Begge", ""),
        ("Kirsten", "Personale", (0.50, 0.80), "Ugentligt", True, True, "Den_anden", ""),
        ("Jens", "Ven", (0.30, 0.50), "Maanedligt", True, True, "Borgeren", "Fra klubben"),
    ]),
    ("B018", "Før", "Solsikken", "2026-03-03T10:00:00.000Z", [
        ("Mette", "Medbeboer", (0.50, 0.10), "Dagligt", False, False, None, ""),
    ]),
    ("B018", "Efter", "Solsikken", "2026-09-15T10:00:00.000Z", []),
    ("M04", "Før", "Egebo", "2026-03-04T10:00:00.000Z", [
        ("Søren", "Nabo", (0.20, 0.80), "Sjaeldnere", True, False, "Borgeren", ""),
        ("Åse", "Frivillig", (0.55, 0.35), "Ugentligt", True, True, "Begge", ""),
    ]),
]  # fmt: skip

EGO = [
    "networkCanvasEgoUUID", "networkCanvasCaseID", "networkCanvasSessionID",
    "networkCanvasProtocolName", "sessionStart", "sessionFinish", "sessionExported",
    "Wave", "Botilbud",
]  # fmt: skip
NODE = (
    ["nodeID", "networkCanvasEgoUUID", "networkCanvasUUID", "name"]
    + [f"Type_{t}" for t in TYPES]
    + ["Circle_x", "Circle_y", "ContactFreq", "Gives", "Receives", "Initiative", "Note"]
)
EDGE = [
    "edgeID", "from", "to", "networkCanvasEgoUUID", "networkCanvasUUID",
    "networkCanvasSourceUUID", "networkCanvasTargetUUID",
]  # fmt: skip


def u(*parts: str) -> str:
    return str(uuid.uuid5(NS, "/".join(parts)))


def cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    s = str(v)
    if '"' in s:
        return '"' + s.replace('"', '""') + '"'
    if "," in s:
        return f'"{s}"'
    return s


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + EOL)
        for r in rows:
            f.write(",".join(cell(v) for v in r) + EOL)


def csv_export(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    next_id = 0
    for case, wave, site, start, alters in SESSIONS:
        sid, ego = u(case, wave, "session"), u(case, wave, "ego")
        prefix = f"{case}_{sid}"
        finish = start.replace("T10:", "T10:4")
        write_csv(
            out / f"{prefix}_ego.csv",
            EGO,
            [
                [
                    ego,
                    case,
                    sid,
                    "Naere relationer v1",
                    start,
                    finish,
                    "2026-10-01T08:00:00.000Z",
                    wave,
                    site,
                ]
            ],
        )
        if not alters:
            continue
        rows, ids = [], []
        for name, typ, (x, y), contact, gives, receives, init, note in alters:
            next_id += 1
            ids.append((next_id, u(case, wave, name)))
            rows.append(
                [next_id, ego, ids[-1][1], name]
                + [t == typ for t in TYPES]
                + [x, y, contact, gives, receives, init, note]
            )
        write_csv(out / f"{prefix}_attributeList_Person.csv", NODE, rows)
        if len(ids) >= 2:
            next_id += 1
            edge = [next_id, ids[0][0], ids[1][0], ego, u(case, wave, "edge"), ids[0][1], ids[1][1]]
            write_csv(out / f"{prefix}_edgeList_Kender.csv", EDGE, [edge])


def _kid(name: str) -> str:
    return str(uuid.uuid5(NS, "var/" + name))


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def graphml_export(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    node_id = 0
    keys = [
        f'<key id="{_kid("Wave")}" attr.name="Wave" attr.type="string" for="graph"/>',
        f'<key id="{_kid("Botilbud")}" attr.name="Botilbud" attr.type="string" for="graph"/>',
        '<key id="label" attr.name="label" attr.type="string" for="all"/>',
        '<key id="networkCanvasType" attr.name="networkCanvasType" attr.type="string" for="all"/>',
        '<key id="networkCanvasUUID" attr.name="networkCanvasUUID" attr.type="string" for="all"/>',
        f'<key id="{_kid("name")}" attr.name="name" attr.type="string" for="node"/>',
        *(
            f'<key id="{_kid("Type")}_{_sha1(t)}" attr.name="Type_{t}" attr.type="boolean" for="node"/>'
            for t in TYPES
        ),
        f'<key id="{_kid("Circle")}_X" attr.name="Circle_X" attr.type="double" for="node"/>',
        f'<key id="{_kid("Circle")}_Y" attr.name="Circle_Y" attr.type="double" for="node"/>',
        f'<key id="{_kid("ContactFreq")}" attr.name="ContactFreq" attr.type="string" for="node"/>',
        f'<key id="{_kid("Gives")}" attr.name="Gives" attr.type="boolean" for="node"/>',
        f'<key id="{_kid("Receives")}" attr.name="Receives" attr.type="boolean" for="node"/>',
        f'<key id="{_kid("Initiative")}" attr.name="Initiative" attr.type="string" for="node"/>',
        f'<key id="{_kid("Note")}" attr.name="Note" attr.type="string" for="node"/>',
        '<key id="networkCanvasTargetUUID" attr.name="networkCanvasTargetUUID" attr.type="string" for="edge"/>',
        '<key id="networkCanvasSourceUUID" attr.name="networkCanvasSourceUUID" attr.type="string" for="edge"/>',
    ]
    for case, wave, site, start, alters in SESSIONS:
        sid, ego = u(case, wave, "session"), u(case, wave, "ego")
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "  <graphml",
            '    xmlns="http://graphml.graphdrawing.org/xmlns"',
            '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
            '    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns',
            '    http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"',
            '    xmlns:nc="http://schema.networkcanvas.com/xmlns">',
            *keys,
            "<graph",
            '  edgedefault="undirected"',
            f'  nc:caseId="{case}"',
            f'  nc:sessionUUID="{sid}"',
            '  nc:protocolName="Naere relationer v1"',
            '  nc:remoteProtocolID="abc"',
            '  nc:sessionExportTime="2026-10-01T08:00:00.000Z"',
            f'    nc:sessionStartTime="{start}"',
            ">",
            f'<data key="networkCanvasUUID">{ego}</data>',
            f'<data key="{_kid("Wave")}">{_esc(wave)}</data>',
            f'<data key="{_kid("Botilbud")}">{_esc(site)}</data>',
        ]
        uuids = []
        for name, typ, (x, y), contact, gives, receives, init, note in alters:
            node_id += 1
            uuids.append((node_id, u(case, wave, name)))
            data = [
                ("networkCanvasUUID", uuids[-1][1]),
                ("networkCanvasType", "Person"),
                ("label", name),
                (_kid("name"), name),
                *((f"{_kid('Type')}_{_sha1(t)}", cell(t == typ)) for t in TYPES),
                (f"{_kid('Circle')}_X", x),
                (f"{_kid('Circle')}_Y", y),
                (_kid("ContactFreq"), contact),
                (_kid("Gives"), cell(gives)),
                (_kid("Receives"), cell(receives)),
            ]
            if init is not None:
                data.append((_kid("Initiative"), init))
            if note:
                data.append((_kid("Note"), note))
            lines.append(f'<node id="{node_id}">')
            lines += [f'\t<data key="{k}">{_esc(v)}</data>' for k, v in data]
            lines.append("</node>")
        if len(uuids) >= 2:
            node_id += 1
            lines += [
                f'<edge id="{node_id}" source="{uuids[0][1]}" target="{uuids[1][1]}">',
                '\t<data key="networkCanvasType">Kender</data>',
                "</edge>",
            ]
        lines += ["</graph>", "</graphml>"]
        (out / f"{case}_{sid}.graphml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    csv_export(HERE / "export")
    graphml_export(HERE / "graphml")
