"""Preview & Send: an upload no POS preset recognises is mapped column by column, previewed
(first 20 lines, problems shaded), saved, and then read like any recognised export."""

from __future__ import annotations

from posbooks.drafts.source_profile import current_source_profile
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts

HEADER = "Datum;Filiale;Beleg;Art;Warengruppe;Zahlart;Betrag\n"


def _till_book() -> bytes:
    """Eight receipts of four lines each (32 rows), German words for the kinds."""
    rows = [HEADER]
    for n in range(1, 9):
        day = f"{12 + n % 2}.10.2026 12:{n:02d}"
        rows += [
            f"{day};Mitte;B-{n};Verkauf;Speisen;;10,00\n",
            f"{day};Mitte;B-{n};Rabatt;Speisen;;-1,00\n",
            f"{day};Mitte;B-{n};MwSt;;;0,63\n",
            f"{day};Mitte;B-{n};Zahlung;;Bar;9,63\n",
        ]
    return "".join(rows).encode()


def _pick(at, label: str, value: str):
    next(s for s in at.selectbox if s.label == label).set_value(value)


def test_an_unknown_csv_is_mapped_previewed_saved_and_then_recognised(workbench_env):
    at = open_page("preview_send")
    at.radio[0].set_value("Uploaded POS exports").run()
    at.file_uploader[0].set_value(("kasse.csv", _till_book(), "text/csv")).run()
    assert not at.exception
    assert "is not a file posbooks recognises" in at.dataframe[0].value["Problem"].iloc[0]
    (step,) = [e for e in at.expander if e.label.startswith("Map this file's columns")]
    assert "kasse.csv" in step.label.replace("\\", "")

    for label, header in (("Date (and time)", "Datum"), ("Outlet", "Filiale"),
                          ("Receipt number", "Beleg"), ("Category", "Warengruppe"),
                          ("Payment method", "Zahlart"), ("Amount (one row per line)", "Betrag"),
                          ("Line kind (one row per line)", "Art")):  # fmt: skip
        _pick(at, label, header)
    at.run()
    assert not at.exception
    # The kind column's words, in the file's order; none is a line type yet: MwSt left unmapped.
    words = [s.label for s in at.selectbox if s.label.endswith("' is")]
    assert words == ["'Verkauf' is", "'Rabatt' is", "'MwSt' is", "'Zahlung' is"]
    for word, kind in (("Verkauf", "item"), ("Rabatt", "discount"), ("Zahlung", "payment")):
        _pick(at, f"'{word}' is", kind)
    at.run()
    assert not at.exception
    preview = at.dataframe[1]
    frame = preview.value
    assert len(frame) == 20  # the first 20 of 32 converted lines
    assert list(frame["Row"][:4]) == ["2", "3", "4", "5"]
    assert list(frame["Kind"][:4]) == ["item", "discount", "mwst", "payment"]
    assert "line_type 'mwst' is not one of" in frame["Problem"].iloc[2]
    assert frame["Problem"].iloc[0] == ""
    styles = str(preview.proto.arrow_data.styler.styles)
    assert "background-color: #fde2e1" in styles  # the problem rows are shaded
    assert "This mapping gives" in texts(at)

    _pick(at, "'MwSt' is", "tax")
    at.run()
    assert "These lines convert without a problem." in texts(at)
    assert "background-color" not in str(at.dataframe[1].proto.arrow_data.styler.styles)
    next(b for b in at.button if b.label == "Save this column mapping").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Column mapping saved" in shown
    assert "Column-mapped export 'kasse': kasse.csv, 8 receipts" in shown
    assert "rejected" not in shown
    assert not [e for e in at.expander if e.label.startswith("Map this file's columns")]
    profile = current_source_profile(open_store(load_config()))
    assert dict(profile.options.columns)["line_type"] == "Art"
    assert dict(profile.options.line_type_values)["MwSt"] == "tax"

    # The next upload of a file with the same header, in a new session, is recognised at once.
    again = open_page("preview_send")
    again.radio[0].set_value("Uploaded POS exports").run()
    again.file_uploader[0].set_value(("kasse-november.csv", _till_book(), "text/csv")).run()
    assert not again.exception
    assert "Column-mapped export 'kasse': kasse-november.csv" in texts(again)


def test_a_mapping_saved_with_a_problem_is_shown_again_to_finish(workbench_env):
    at = open_page("preview_send")
    at.radio[0].set_value("Uploaded POS exports").run()
    at.file_uploader[0].set_value(("kasse.csv", _till_book(), "text/csv")).run()
    for label, header in (("Date (and time)", "Datum"), ("Receipt number", "Beleg"),
                          ("Payment method", "Zahlart"), ("Amount (one row per line)", "Betrag"),
                          ("Line kind (one row per line)", "Art")):  # fmt: skip
        _pick(at, label, header)
    next(t for t in at.text_input if t.label == "Outlet (when no outlet column)").input("Mitte")
    at.run()
    for word, kind in (("Verkauf", "item"), ("Rabatt", "discount"), ("Zahlung", "payment")):
        _pick(at, f"'{word}' is", kind)
    at.run()
    next(b for b in at.button if b.label == "Save this column mapping").click().run()
    assert not at.exception
    assert "line_type 'mwst' is not one of" in " ".join(at.dataframe[0].value["Problem"])

    # A new session: the step opens on the saved mapping, MwSt still to say.
    again = open_page("preview_send")
    again.radio[0].set_value("Uploaded POS exports").run()
    again.file_uploader[0].set_value(("kasse.csv", _till_book(), "text/csv")).run()
    chosen = {s.label: s.value for s in again.selectbox}
    assert chosen["Date (and time)"] == "Datum" and chosen["Outlet"] == "(none)"
    assert (chosen["'Verkauf' is"], chosen["'MwSt' is"]) == ("item", "(none)")
    fixed = next(t for t in again.text_input if t.label == "Outlet (when no outlet column)")
    assert fixed.value == "Mitte"
    _pick(again, "'MwSt' is", "tax")
    again.run()
    next(b for b in again.button if b.label == "Save this column mapping").click().run()
    assert not again.exception
    assert "Column-mapped export 'kasse': kasse.csv, 8 receipts" in texts(again)
